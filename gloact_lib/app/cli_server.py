"""The commands for a shared workbook on a PostgreSQL server: ``gloact copy`` and ``gloact users``.

``gloact build-db --db postgresql://…`` (in :mod:`gloact_lib.app.cli`) builds the shipped workbook
locally and copies it to the server with :func:`build_on_server`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from gloact_lib import config

__all__ = ["add_parsers", "build_on_server", "run"]


def add_parsers(sub) -> None:
    """Add ``copy`` and ``users`` to the ``gloact`` command's subparsers."""
    p = sub.add_parser("copy", help="copy a whole workbook between a file and a PostgreSQL server (either way)")
    p.add_argument("--from", dest="source", required=True, help="workbook file or postgresql://… address")
    p.add_argument("--to", dest="target", required=True, help="workbook file or postgresql://… address")
    p.add_argument("--force", action="store_true", help="replace a workbook the target holds")

    p = sub.add_parser("users", help="users of a workbook on a PostgreSQL server (an administrator's task)")
    usub = p.add_subparsers(dest="action", required=True)
    ap = usub.add_parser("add", help="create a login with a role: focal (one country), analyst, viewer, admin")
    ap.add_argument("name", help="login name: lower-case letters, digits and _ (e.g. focal_mli)")
    ap.add_argument("--role", required=True, choices=["focal", "analyst", "viewer", "admin"])
    ap.add_argument("--country", metavar="ISO3", help="a focal point's country (required for --role focal)")
    ap.add_argument("--password-file", help="read the password from this file (default: make one and print it)")
    ap.add_argument("--db", default=str(config.DEFAULT_DB), help="the workbook's postgresql://… address "
                    "(as an administrator)")  # fmt: skip
    lp = usub.add_parser("list", help="the workbook's users, their roles and countries")
    lp.add_argument("--db", default=str(config.DEFAULT_DB), help="the workbook's postgresql://… address")


def build_on_server(url: str, force: bool = False):
    """Build the shipped workbook (reference data and sample, through the importers) and copy it to ``url``.

    Returns
    -------
    list of ImportResult
        The imports that built it.
    """
    from gloact_lib.data.database import reports_dir
    from gloact_lib.data.transfer import copy_workbook
    from gloact_lib.imports.build import build_db

    with tempfile.TemporaryDirectory(prefix="gloact-build-") as folder:
        local = Path(folder) / "gloact.duckdb"
        results = build_db(local, report_dir=reports_dir(url) / "build")  # reports kept, not in the temporary folder
        copy_workbook(local, url, force=force)
    return results


def _server_only(args, command: str) -> bool:
    from gloact_lib.data.server import is_server

    if is_server(args.db):
        return True
    print(f"gloact {command}: --db must be a workbook on a PostgreSQL server (postgresql://…), not {args.db}",
          file=sys.stderr)  # fmt: skip
    return False


def run(args: argparse.Namespace) -> int:
    """Run ``copy`` or ``users``; database problems propagate (one line, exit 2: :func:`gloact_lib.app.cli.main`)."""
    from gloact_lib.data.server import pg_connect, redact

    if args.command == "copy":
        from gloact_lib.data.transfer import CopyError, copy_workbook

        try:
            counts = copy_workbook(args.source, args.target, force=args.force)
        except CopyError as exc:
            print(f"gloact copy: {exc}", file=sys.stderr)
            return 2
        rows = ", ".join(f"{t} {n}" for t, n in counts.items() if t != "sum(rkey)" and n)
        print(f"copied to {redact(args.target)} and counted on both sides: {rows}")
        return 0
    from gloact_lib.data import server_access

    if not _server_only(args, f"users {args.action}"):
        return 2
    pg = pg_connect(args.db)
    try:
        if args.action == "list":
            for user in server_access.users_list(pg):
                print(f"{user['name']:24s} {user['role']:8s} {user.get('country') or ''}")
            return 0
        password = None
        if args.password_file:
            password = Path(args.password_file).read_text(encoding="utf-8").strip()
        try:
            made = server_access.users_add(pg, args.name, args.role, args.country, password)
        except ValueError as exc:
            print(f"gloact users add: {exc}", file=sys.stderr)
            return 2
    finally:
        pg.close()
    where = f" for {args.country.upper()}" if args.country else ""
    print(f"added {args.name} ({args.role}{where})")
    if not args.password_file:
        print(f"password (shown once; give it to {args.name} privately): {made}")
    return 0
