"""One harness for tests that need a served workbook: free ports and a `gloact serve` process."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 10) -> bytes:
    """The body of a GET (raises for a status >= 400)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


@contextlib.contextmanager
def voila_server(db: Path, log: Path | None = None, timeout: float = 90):
    """``gloact serve --db DB`` on a free port; yields its base URL and stops it afterwards."""
    port = free_port()
    log = log or db.with_suffix(".serve.log")
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gloact_lib.cli", "serve", "--db", str(db), "--port",
                                 str(port)], stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + timeout
        try:
            while True:
                try:
                    get(base + "/")
                    break
                except OSError:
                    if proc.poll() is not None or time.time() > deadline:
                        raise RuntimeError("gloact serve did not start: " + log.read_text()) from None
                    time.sleep(0.5)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
