"""python benchmarks/hook_overhead.py — time, SQL and broker messages the plugin adds to Saleor's requests.

The plugin absent, inactive and active with a merchant's configuration, for checkoutComplete, orderFulfill,
orderCancel, orderFulfillmentReturnProducts and a storefront query (benchmarks/saleor_hook_overhead.py).
Targets: the ratio's 95% CI upper bound at most 1.02, no extra query, at most one message. Needs redis-server.
"""

import shutil
import subprocess
import sys
import time

from saleor_runner import run_saleor_benchmark

from tests.postgres_server import free_port

if __name__ == "__main__":
    redis = shutil.which("redis-server")
    if redis is None:
        sys.exit("redis-server is needed (Debian package redis-server): the hook publishes to a real broker.")
    port = free_port()
    server = subprocess.Popen(
        [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    try:
        status = run_saleor_benchmark(
            "benchmarks/saleor_hook_overhead.py", {"SUPPORT_BENCH_BROKER_URL": f"redis://127.0.0.1:{port}/0"}
        )
    finally:
        server.terminate()
    sys.exit(status)
