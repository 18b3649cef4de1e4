"""The ``gloact`` command: a thin layer over the functions the notebooks call.

Every command takes ``--db PATH`` (default ``data/gloact.duckdb``, or ``GLOACT_DB``) so that a
test or a second workbook never touches the default file; ``--db postgresql://…`` works on a
shared workbook on a PostgreSQL server (``copy`` and ``users``: :mod:`gloact_lib.app.cli_server`).  Rejection reports
(``build-db``, ``import``, ``check``) go beside that file, in its ``reports/``
folder (:func:`gloact_lib.data.database.reports_dir`), unless ``--report`` says
where; maps and briefing packs go where ``--out`` says.

Exit status: 0 when the command did its work (an import with rejected rows
included), 2 when the input or the database could not be read or used (one
line on stderr says why: a file too large, a database damaged or held by an
import...), 1 for other errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from gloact_lib import config

__all__ = ["main"]


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=str(config.DEFAULT_DB),
                   help="workbook database file or postgresql://… server (default: %(default)s)")


def _exists(db: str) -> bool:
    """Whether the workbook exists (a server's: asked when it is opened)."""
    from gloact_lib.data.server import is_server

    return is_server(db) or Path(db).exists()


def _parser() -> argparse.ArgumentParser:
    from gloact_lib.imports.formats import FORMATS

    parser = argparse.ArgumentParser(prog="gloact", description="GLO.ACT route workbook")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build-db", help="build the database from data/ (reference data and sample)")
    _add_db(p)
    p.add_argument("--force", action="store_true", help="replace an existing database")
    p.add_argument("--if-missing", action="store_true", help="do nothing when the database exists")

    for name, doc in (("import", "import a CSV or Excel file"), ("check", "validate a file, store nothing")):
        p = sub.add_parser(name, help=doc)
        _add_db(p)
        p.add_argument("file")
        p.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        p.add_argument("--report", help="rejection report to write (CSV; default: in the reports/ folder beside --db)")
        p.add_argument("--json", action="store_true",
                       help='print {"rows", "accepted", "rejected", "unchanged", "report"} (and "repeated")')
        repeats = p.add_mutually_exclusive_group()
        repeats.add_argument("--allow-repeats", action="store_true",
                             help="store rows that repeat rows of an earlier import (the same content, e.g. the same "
                                  "download saved again); by default such an import is refused, naming the earlier "
                                  "one")  # fmt: skip
        repeats.add_argument("--skip-repeats", action="store_true",
                             help="an updated download: store only the rows not stored yet, and report the others")
        p.add_argument("--as-country", metavar="ISO3",
                       help="you are this country's focal point: journeys reported by another country and "
                            "commitments rows of other countries are rejected (and reported), another country's "
                            "form is refused; journeys with no reporting country are recorded as yours")  # fmt: skip

    p = sub.add_parser("build-maps", help="write self-contained HTML maps (overview, routes, countries)")
    _add_db(p)
    p.add_argument("--out", default=str(config.MAPS_DIR), help="output folder (default: %(default)s)")
    p.add_argument("--lang", choices=["en", "fr"], default="en")

    p = sub.add_parser("briefing", help="a meeting's briefing pack: HTML, PNG per view, PDF (no network needed)")
    _add_db(p)
    p.add_argument("--meeting", required=True, help="meeting id, e.g. casablanca-2019")
    p.add_argument("--lang", choices=["en", "fr"], default="en")
    p.add_argument("--countries", help="comma-separated ISO alpha-3 (default: the meeting's participants)")
    p.add_argument("--start", help="first day of the period (YYYY-MM-DD)")
    p.add_argument("--end", help="last day of the period (YYYY-MM-DD)")
    p.add_argument("--out", default=str(config.MAPS_DIR / "briefings"), help="output folder (default: %(default)s)")
    p.add_argument("--no-images", action="store_true", help="HTML only (no Chromium needed)")

    p = sub.add_parser("serve", help="serve the dashboards with Voila on 127.0.0.1")
    _add_db(p)
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--pool-size", type=int, default=1, help="preheated kernels per dashboard")
    p.add_argument("--audience", type=int, default=0,
                   help="people expected to open the routes dashboard at once: that many preheated kernels for it")

    p = sub.add_parser("schema", help="print the database schema as Markdown")
    p.add_argument("--out", help="write to this file instead of stdout")

    p = sub.add_parser("sample", help="regenerate the illustrative sample journeys and status updates")
    p.add_argument("--out", help="output CSV (default data/sample/journeys_sample.csv)")

    p = sub.add_parser("commitments", help="commitments forms for focal points")
    csub = p.add_subparsers(dest="action", required=True)
    tp = csub.add_parser("template", help="write a country's Excel form, pre-filled with its current status")
    _add_db(tp)
    tp.add_argument("--country", required=True, help="ISO alpha-3, e.g. MLI")
    tp.add_argument("--lang", choices=["en", "fr"], default="en")
    tp.add_argument("--out", required=True, help="the .xlsx file to write")

    from gloact_lib.app.cli_server import add_parsers

    add_parsers(sub)
    return parser


def _default_report(args) -> Path:
    """Where ``import``/``check`` write the rejection report when ``--report`` is not given.

    In the ``reports/`` folder beside ``--db`` (also for a check, which stores nothing and may
    run with no database file yet), named after the file, the command and the time; never an
    earlier report's name.
    """
    from gloact_lib.data.database import reports_dir

    folder = reports_dir(args.db)
    stem = f"{Path(args.file).stem}.{args.command}.{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    path, n = folder / f"{stem}.rejections.csv", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.rejections.csv"
    return path


def _import(args) -> int:
    from gloact_lib.data.countries import CountryError, resolve_country
    from gloact_lib.imports.build import build_db, scratch
    from gloact_lib.imports.pipeline import check_file, import_file
    from gloact_lib.imports.readers import ReadError, open_source
    from gloact_lib.progress import Progress, reporting

    try:
        country = resolve_country(args.as_country) if args.as_country else None
    except CountryError as exc:
        print(f"gloact {args.command}: --as-country: {exc}", file=sys.stderr)
        return 2
    try:
        source = open_source(args.file)  # an unreadable file fails before any database work
        # A check needs the known places, not a database file: don't create one.
        if args.command == "check" and not _exists(args.db):
            workbook = scratch()
        else:
            if not _exists(args.db):  # an import needs the reference data (places) first
                print(f"gloact: building {args.db} from data/ first", file=sys.stderr)
                build_db(args.db)
            # the path, not a connection: the workbook is opened only for a moment at the start and for
            # the final append, so dashboards and other imports go on while the file is read
            workbook = args.db
        run = import_file if args.command == "import" else check_file
        report = args.report or _default_report(args)
        with Progress(label=args.command) as bar, reporting(bar):  # rows read, on stderr
            result = run(workbook, args.file, fmt=args.format, report=report, country=country, source=source,
                         allow_repeats="skip" if args.skip_repeats else args.allow_repeats,
                         on_wait=lambda message: bar.message(f"gloact {args.command}: {message}"))
    except ReadError as exc:
        print(f"gloact {args.command}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.summary()))
    else:
        from gloact_lib.imports.readers import encoding_name

        verb = "imported" if args.command == "import" else "checked (nothing stored)"
        if "encoding" in result.summary():  # said only when the file is not UTF-8
            verb += f" (read as {encoding_name(result.encoding)})"
        unchanged = f", {result.unchanged} unchanged" if result.unchanged else ""
        repeated = f" ({result.repeated} repeating an earlier import, as asked)" if result.repeated else ""
        print(
            f"{Path(args.file).name}: {verb} as {result.format}: {result.rows} rows read, "
            f"{result.accepted} accepted{repeated}, {result.rejected} rejected{unchanged}; report: {result.report}"
        )
    return 0


def _say_waiting(args):
    """What a command prints (one line on stderr) when it waits for a database another process writes."""
    return lambda message: print(f"gloact {args.command}: {message}", file=sys.stderr)


def _missing_db(args) -> bool:
    """Say so (one line on stderr) when the command's database does not exist."""
    if _exists(args.db):
        return False
    print(f"gloact {args.command}: {args.db}: no database; run `gloact build-db --db {args.db}`", file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the ``gloact`` command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    args = _parser().parse_args(argv)
    try:
        if hasattr(args, "db"):  # another kind of address is refused before any file is made or message printed
            from gloact_lib.data.database import workbook_target

            workbook_target(args.db)
        return _dispatch(args)
    except Exception as exc:
        from gloact_lib.data.database import database_error

        err = database_error(exc, getattr(args, "db", "database"))
        if err is None:
            raise
        print(f"gloact {args.command}: {err}", file=sys.stderr)
        return 2


def _dispatch(args) -> int:
    """Run one parsed command; database problems propagate as exceptions (see :func:`main`)."""
    if args.command == "build-db":
        from gloact_lib.app.cli_server import build_on_server
        from gloact_lib.data.server import is_server, redact
        from gloact_lib.data.transfer import CopyError
        from gloact_lib.imports.build import build_db
        from gloact_lib.progress import Progress

        if args.if_missing and Path(args.db).exists():
            print(f"{args.db}: exists")
            return 0
        try:
            with Progress(label="build-db") as bar:  # per file, on stderr (a server's build: no steps)
                results = build_on_server(args.db, args.force) if is_server(args.db) else build_db(
                    args.db, force=args.force, progress=bar)  # fmt: skip
        except CopyError as exc:
            print(f"gloact build-db: {exc}", file=sys.stderr)
            return 1
        except FileExistsError as exc:
            print(f"gloact build-db: {exc}", file=sys.stderr)
            return 1
        for r in results:
            print(f"{Path(r.file).name:40s} {r.format:16s} rows {r.rows:>7} accepted {r.accepted:>7} "
                  f"rejected {r.rejected:>5}  {r.report if r.rejected else ''}")  # fmt: skip
        print(f"built {redact(args.db)}")
        return 0
    if args.command in ("import", "check"):
        return _import(args)
    if args.command == "build-maps":
        from gloact_lib.data.database import snapshot, verify
        from gloact_lib.progress import Progress
        from gloact_lib.views.build_maps import build_maps

        if _missing_db(args):
            return 1
        with snapshot(args.db, on_wait=_say_waiting(args)) as con:  # imports go on while the maps are drawn
            verify(con, args.db)  # a damaged block is found now, not halfway through the maps
            with Progress(label="build-maps") as bar:  # per map, on stderr
                written = build_maps(con, args.out, args.lang, progress=bar)
        print(f"wrote {len(written)} maps to {Path(args.out) / args.lang}")
        return 0
    if args.command == "briefing":
        from gloact_lib.data.countries import CountryError, resolve_country
        from gloact_lib.data.database import snapshot, verify
        from gloact_lib.progress import Progress
        from gloact_lib.views.briefing import build_briefing

        if _missing_db(args):
            return 1
        try:
            countries = [resolve_country(c) for c in args.countries.split(",")] if args.countries else None
            start = dt.date.fromisoformat(args.start) if args.start else None
            end = dt.date.fromisoformat(args.end) if args.end else None
            with snapshot(args.db, on_wait=_say_waiting(args)) as con, Progress(label="briefing") as bar:
                verify(con, args.db)
                pack = build_briefing(con, args.meeting, args.lang, countries, start, end,
                                      args.out, images=not args.no_images, progress=bar)  # fmt: skip
        except (CountryError, ValueError) as exc:
            print(f"gloact briefing: {exc}", file=sys.stderr)
            return 2
        print(f"{pack.html}\n{pack.pdf or ''}\n{len(pack.pngs)} PNG views, {pack.seconds:.1f} s")
        return 0
    if args.command == "serve":
        from gloact_lib.app.serve import serve

        serve(args.db, args.port, args.pool_size, args.audience)  # a DatabaseError is one line and exit 2 (main)
        return 0
    if args.command == "schema":
        from gloact_lib.data.schema import schema_markdown

        text = schema_markdown()
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            print(text)
        return 0
    if args.command == "sample":
        from gloact_lib.data.sample import write_sample, write_status_sample

        print(write_sample(args.out))
        print(write_status_sample())
        return 0
    if args.command in ("copy", "users"):
        from gloact_lib.app import cli_server

        return cli_server.run(args)
    if args.command == "commitments":
        from gloact_lib.data.countries import CountryError, resolve_country
        from gloact_lib.data.database import open_waiting
        from gloact_lib.views.forms import write_template

        if _missing_db(args):
            return 1
        try:
            country = resolve_country(args.country)
            path = write_template(open_waiting(args.db, read_only=True, on_wait=_say_waiting(args)), country,
                                  args.lang, args.out)  # fmt: skip
        except (CountryError, ValueError) as exc:
            print(f"gloact commitments: {exc}", file=sys.stderr)
            return 2
        print(path)
        return 0
    return 1  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
