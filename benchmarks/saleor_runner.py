"""Run a benchmark module (functions named bench_*) inside the Saleor environment, with Saleor's fixtures.

pytest collects the module with the Saleor tier's glue (benchmarks/conftest.py re-exports
tests/in_saleor/conftest.py), against the PostgreSQL the tests use; `-s` lets it print its figures.
"""

from __future__ import annotations

import contextlib
import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.postgres_server import PostgresServer  # noqa: E402
from tests.run import ensure_plugin_installed, find_saleor_python  # noqa: E402


def run_saleor_benchmark(module: str, extra_env: dict[str, str] | None = None) -> int:
    python, how = find_saleor_python()
    if python is None:
        print(f"No Saleor environment: {how}.")
        return 1
    ensure_plugin_installed(python)
    print(f"Saleor: {how}; machine: {os.cpu_count()} cores", flush=True)
    # Saleor's process on one core, PostgreSQL (started from here) on the others, both ahead of every other
    # process of the machine where the kernel allows it (real-time priority, which children inherit): the
    # measured request is not moved between cores, nor shares one with the database serving it or with
    # whatever else the machine runs. SUPPORT_BENCH_PIN=0 leaves the scheduler alone.
    cores = sorted(os.sched_getaffinity(0))
    pin = len(cores) >= 2 and os.environ.get("SUPPORT_BENCH_PIN", "1") != "0"
    if pin:
        _run_on(cores[:-1])
    with _idle_cores_polling(), PostgresServer() as server:
        env = {**os.environ, **server.env, **(extra_env or {})}
        command = [
            python,
            "-m",
            "pytest",
            module,
            "--ds=tests.in_saleor.settings",
            "--reuse-db",
            "-s",
            "-q",
            "-p",
            "no:warnings",
            "-o",
            "python_functions=bench_*",
        ]
        preexec = (lambda: _run_on(cores[-1:])) if pin else None
        return subprocess.run(command, cwd=REPO, env=env, preexec_fn=preexec).returncode


@contextlib.contextmanager
def _idle_cores_polling() -> Iterator[None]:
    """Keep idle cores polling instead of halting while the benchmark runs, where the kernel allows it.

    On a virtual machine a halted core costs a round trip to the host to wake: every SQL query wakes the
    database's core and then Saleor's (a socket round trip between two processes on two cores measured 168 us
    here with halting, 81 us polling). A server under load rarely halts; tuned's latency-performance profile does
    the same (the PM QoS request lasts while the file is open). SUPPORT_BENCH_POLL=0 leaves it alone.
    """
    if os.environ.get("SUPPORT_BENCH_POLL", "1") == "0":
        yield
        return
    try:
        request = os.open("/dev/cpu_dma_latency", os.O_WRONLY)
    except OSError:
        print("Not allowed to keep idle cores polling: measuring with the kernel's idle states.", flush=True)
        yield
        return
    try:
        os.write(request, struct.pack("i", 0))  # microseconds of wake-up latency allowed
        yield
    finally:
        os.close(request)


def _run_on(cores: list[int]) -> None:
    os.sched_setaffinity(0, cores)
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except PermissionError:
        print("Not allowed to use real-time priority: measuring at normal priority.", flush=True)
