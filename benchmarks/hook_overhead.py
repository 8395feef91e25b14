"""python benchmarks/hook_overhead.py — time, SQL and broker messages the plugin adds to Saleor's requests.

The plugin absent, inactive and active with a merchant's configuration, for checkoutComplete, orderFulfill,
orderCancel, orderFulfillmentReturnProducts and a storefront query (benchmarks/saleor_hook_overhead.py).
Targets: the ratio's 95% CI upper bound at most 1.02, no extra query, at most one message. Needs redis-server.
"""

import sys

from saleor_runner import run_saleor_benchmark

from tests.redis_server import running_redis

if __name__ == "__main__":
    with running_redis() as broker_url:
        # Saleor's access tokens live 5 minutes by default: long runs would outlive the customer's.
        env = {"SUPPORT_BENCH_BROKER_URL": broker_url, "JWT_TTL_ACCESS": "6 hours"}
        status = run_saleor_benchmark("benchmarks/saleor_hook_overhead.py", env)
    sys.exit(status)
