"""Benchmark modules run inside Saleor (benchmarks/saleor_runner.py) with the Saleor tier's pytest glue."""

from tests.in_saleor.conftest import *  # noqa: F403
