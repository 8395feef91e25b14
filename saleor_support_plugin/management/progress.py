"""A plain progress bar for management commands (stderr, no dependency)."""

from __future__ import annotations

import sys
from typing import Protocol


class Writable(Protocol):
    def write(self, text: str) -> object: ...

    def flush(self) -> object: ...


class ProgressBar:
    def __init__(self, total: int, label: str, stream: Writable | None = None, width: int = 30) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0

    def advance(self, count: int) -> None:
        self.done += count
        shown = min(self.done, self.total) if self.total else self.done
        filled = int(self.width * shown / self.total) if self.total else self.width
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
