"""python benchmarks/case_list_queries.py — SQL queries to list 10 and 100 support cases (target: equal)."""

import sys

from saleor_runner import run_saleor_benchmark

if __name__ == "__main__":
    sys.exit(run_saleor_benchmark("benchmarks/saleor_case_list_queries.py"))
