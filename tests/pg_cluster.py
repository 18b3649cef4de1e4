"""A throwaway PostgreSQL cluster for the tests and benchmarks: Debian's server, a temporary folder, a free port.

PostgreSQL refuses to run as root, so as root ``initdb`` and ``pg_ctl`` run as the package's
``postgres`` user (``runuser``); as anyone else, as that user.  The cluster listens on 127.0.0.1
only, with password (SCRAM) authentication, and is removed when stopped.

``make test`` installs Debian's ``postgresql`` when it is missing (``make postgres``); where it
cannot be found at all, :func:`server_binaries` says how to get it.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["Cluster", "server_binaries"]


def server_binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` with ``initdb``, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A running throwaway cluster; ``url(db, user, password)`` addresses it.

    Attributes
    ----------
    port : int
    superuser, password : str
        The cluster's superuser (made by ``initdb``) and its password.
    """

    def __init__(self):
        bindir = server_binaries()
        if bindir is None:
            raise RuntimeError("PostgreSQL server not installed: `make postgres` (Debian's postgresql package)")
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="gloact-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.superuser = "gloact_super"
        self.password = secrets.token_hex(12)
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self._as_postgres:
            shutil.chown(pwfile, "postgres", "postgres")
        pwfile.chmod(0o600)
        try:
            self._run("initdb", "-D", str(self.data), "-U", self.superuser, f"--pwfile={pwfile}",
                      "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
            self.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            pwfile.unlink(missing_ok=True)

    def _run(self, program: str, *args: str) -> None:
        cmd = [str(self.bindir / program), *args]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    def url(self, db: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        """``postgresql://user:password@127.0.0.1:port/db`` (the superuser by default)."""
        user = user or self.superuser
        password = self.password if password is None and user == self.superuser else password
        auth = f"{user}:{password}" if password else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str) -> str:
        """Create an empty database; its superuser URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (the folder stays until :meth:`remove`)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def start(self) -> None:
        """Start the server (again after :meth:`stop`: the same port and settings)."""
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def remove(self) -> None:
        """Stop the server if it runs and delete its folder."""
        try:
            self.stop()
        except RuntimeError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)
