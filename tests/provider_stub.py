"""A local stand-in for Mailgun's HTTP API on 127.0.0.1, for django-anymail's real mailgun backend.

Only the transport is stubbed: anymail builds, posts and parses exactly as it does against api.mailgun.net
(`POST /v3/<sender domain>/messages`, a multipart form, answered like Mailgun answers). Give the plugin
`email_provider="mailgun"` and `email_provider_options={"api_url": stub.api_url}`.

The stub records every message it received (its recipient and Message-ID header), can take a while to answer
(`delay`), and can hold requests open (`hold_after`: requests beyond that many wait until `release()`), so a
test knows which send a worker was in when it was killed.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qs


class MailgunStub:
    def __init__(self, delay: float = 0.0, hold_after: int | None = None) -> None:
        self.delay = delay
        self.hold_after = hold_after
        self.received: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v3"

    def __enter__(self) -> MailgunStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def release(self) -> None:
        self._released.set()

    def recipients(self) -> list[str]:
        with self._lock:
            return [message["to"] for message in self.received]

    def _record(self, form: dict[str, str]) -> int:
        with self._lock:
            message_id = form.get("h:Message-Id", form.get("h:Message-ID", ""))
            self.received.append({"to": form.get("to", ""), "message_id": message_id})
            return len(self.received)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                number = stub._record(parse_form(self.headers["Content-Type"], body))
                if stub.hold_after is not None and number > stub.hold_after:
                    stub._released.wait()
                if stub.delay:
                    time.sleep(stub.delay)
                answer = json.dumps({"id": f"<{uuid.uuid4()}@stub.mailgun.test>", "message": "Queued. Thank you."})
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender is gone (a test killed the worker mid-send)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def parse_form(content_type: str, body: bytes) -> dict[str, str]:
    """The text fields of the posted form: urlencoded, or multipart when there are attachments (left out)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {name: values[0] for name, values in parse_qs(body.decode()).items()}
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = cast(EmailMessage, BytesParser(policy=default_policy).parsebytes(header + body))
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and part.get_filename() is None:
            fields.setdefault(name, cast(EmailMessage, part).get_content().strip())
    return fields


def main() -> None:
    """`python -m tests.provider_stub [--delay-ms N]`: serve in a process of its own (benchmarks), print the
    API URL, and stop on SIGTERM; the number of messages received goes to stdout on exit."""
    import argparse
    import signal
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--delay-ms", type=int, default=0)
    args = parser.parse_args()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with MailgunStub(delay=args.delay_ms / 1000) as stub:
        sys.stdout.write(f"{stub.api_url}\n")
        sys.stdout.flush()
        stopped.wait()
        sys.stdout.write(f"{len(stub.received)}\n")
        sys.stdout.flush()
    sys.exit(0)


if __name__ == "__main__":
    main()
