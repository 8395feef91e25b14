"""Start and stop a throw-away PostgreSQL server on 127.0.0.1 for the tests and benchmarks.

PostgreSQL refuses to run as root, so when the tests run as root (CI) the server runs as the `postgres`
system user. The data directory is kept between runs (so Saleor's migrated test database can be reused)
unless it is removed; the server itself always stops when the run ends.
"""

from __future__ import annotations

import fcntl
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "support"
DATABASE = "support"
DEFAULT_DATA_DIR = "/var/tmp/saleor-support-plugin/pgdata"


def find_pg_bin() -> Path:
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += [Path(path) for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for directory in candidates:
        if (directory / "pg_ctl").exists() and (directory / "initdb").exists():
            return directory
    raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl, postgres) were not found; install postgresql.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self, data_dir: str | None = None) -> None:
        self.bin = find_pg_bin()
        self.data_dir = Path(data_dir or os.environ.get("SUPPORT_TEST_PGDATA") or DEFAULT_DATA_DIR)
        self.socket_dir = Path(tempfile.mkdtemp(prefix="support-pg-sock-"))
        self.port = free_port()
        self.as_postgres_user = os.geteuid() == 0
        self._lock: int | None = None
        self._temporary = False

    def _lock_data_dir(self) -> None:
        """Hold a lock on the data directory for this run; if another run holds it, use a fresh one."""
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(str(self.data_dir) + ".lock", os.O_CREAT | os.O_RDWR)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            self.data_dir = Path(tempfile.mkdtemp(prefix="support-pgdata-", dir=self.data_dir.parent)) / "data"
            self._temporary = True
            return
        self._lock = lock

    @property
    def env(self) -> dict[str, str]:
        return {
            "SUPPORT_TEST_PGHOST": "127.0.0.1",
            "SUPPORT_TEST_PGPORT": str(self.port),
            "SUPPORT_TEST_PGUSER": SUPERUSER,
            "DATABASE_URL": f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/saleor",
        }

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres_user:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def _prepare_dirs(self) -> None:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if self.as_postgres_user:
            user = pwd.getpwnam("postgres")
            for path in (self.data_dir.parent, self.socket_dir):
                os.chown(path, user.pw_uid, user.pw_gid)

    def start(self) -> PostgresServer:
        self._lock_data_dir()
        self._prepare_dirs()
        if not (self.data_dir / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync")
        # We hold the lock, so a server still running here was left by an interrupted run: stop it.
        self._run("pg_ctl", "-D", str(self.data_dir), "stop", "-m", "immediate", check=False)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.data_dir / "server.log"),
            "-w",
            "start",
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start:\n{result.stdout}\n{result.stderr}")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, DATABASE, check=False)
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "stop", "-m", "fast", "-w", check=False)
        shutil.rmtree(self.socket_dir, ignore_errors=True)
        if self._temporary:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
