"""Start and stop a throw-away redis-server (Debian's package) on 127.0.0.1: the real broker of the tests and
benchmarks that need Celery to publish or a worker to run."""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator

from tests.postgres_server import free_port


def wait_for(condition: Callable[[], object], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@contextlib.contextmanager
def running_redis() -> Iterator[str]:
    """A redis-server on a free port, without persistence; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is needed (Debian package redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _answers(port) or server.poll() is not None, "redis-server to start", timeout=20)
        if server.poll() is not None:
            raise RuntimeError(f"redis-server exited with {server.returncode}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()


def _answers(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=port).ping())
    except redis.ConnectionError:
        return False


def queued_task_args(broker_url: str, task_name: str) -> list[list[object]]:
    """The positional arguments of every message of this Celery task waiting in any queue of the Redis."""
    import redis

    client = redis.Redis.from_url(broker_url)
    found = []
    try:
        for key in client.scan_iter():
            if client.type(key) != b"list":
                continue
            for raw in client.lrange(key, 0, -1):  # type: ignore[union-attr]  # the sync client returns a list
                message = json.loads(raw)
                if message.get("headers", {}).get("task") == task_name:
                    found.append(json.loads(base64.b64decode(message["body"]))[0])  # protocol 2: [args, ...]
    finally:
        client.close()
    return found
