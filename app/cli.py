"""paysandbox: serve | check | seed | reset | loadtest | fixtures apply."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.db.example_copy import prepare_database
from app.settings import Settings

Command = Callable[[argparse.Namespace], int]


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    overrides = {"host": args.host, "port": args.port, "db": args.db}
    if args.access_log:
        overrides["access_log"] = True
    if args.proxy_headers:
        overrides["proxy_headers"] = True
    settings = Settings.load(**{k: v for k, v in overrides.items() if v is not None})
    if args.workspaces_dir:
        settings = settings.replace(workspaces_dir=Path(args.workspaces_dir))
    outcome = prepare_database(settings.db, settings.example_db)
    if outcome == "copied":
        print(f"paysandbox: created {settings.db} from {settings.example_db}", file=sys.stderr)
    # The factory reads PAYSANDBOX_*; flags win because they are written here.
    os.environ["PAYSANDBOX_DB"] = str(settings.db.resolve())
    os.environ["PAYSANDBOX_HOST"] = settings.host
    os.environ["PAYSANDBOX_PORT"] = str(settings.port)
    os.environ.setdefault("PAYSANDBOX_GC_FREEZE", "true")  # a server process: app/heap.py
    if settings.workspaces_dir is not None:
        os.environ["PAYSANDBOX_WORKSPACES_DIR"] = str(settings.workspaces_dir.resolve())
    from app.server_options import uvicorn_options

    uvicorn.run("app.asgi:create_app_from_env", factory=True, reload=bool(args.reload), **uvicorn_options(settings))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.core.ledger.invariants import check_file

    db = Path(args.db)
    if not db.exists():
        print(f"no database at {db}", file=sys.stderr)
        return 2
    report = check_file(db)
    print(report.render())
    return 0 if report.ok else 1


def cmd_seed(args: argparse.Namespace) -> int:
    from seeds.cli import run_seed

    return run_seed(args)


def cmd_reset(args: argparse.Namespace) -> int:
    settings = Settings.load()
    example = Path(args.example) if args.example else settings.example_db
    db = Path(args.db)
    if not example.exists():
        print(f"no example database at {example}", file=sys.stderr)
        return 2
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copyfile(example, db)
    print(f"reset {db} to {example}")
    return 0


def cmd_loadtest(args: argparse.Namespace) -> int:
    from loadtests.runner import run_loadtest

    return run_loadtest(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paysandbox", description="Payments sandbox: five API contracts on one ledger."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = sub.add_parser("serve", help="start the server (creates the database from sandbox.db.example)")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    serve.add_argument("--db", default=None, help="SQLite file (default ./sandbox.db)")
    serve.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    serve.add_argument("--workspaces-dir", default=None, help="directory for workspace databases")
    serve.add_argument("--access-log", action="store_true", help="log every request (off by default: it costs)")
    serve.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* (behind a proxy)")
    serve.set_defaults(func=cmd_serve)

    check = sub.add_parser("check", help="verify the ledger invariants of a database file")
    check.add_argument("--db", required=True, help="SQLite file to check")
    check.set_defaults(func=cmd_check)

    seed = sub.add_parser("seed", help="build a database of deterministic Faker data")
    seed.add_argument("--db", required=True, help="SQLite file to create")
    seed.add_argument("--users", type=int, default=None, help="number of generated users")
    seed.add_argument("--days", type=int, default=None, help="days of transaction history")
    seed.add_argument("--seed", type=int, default=None, help="random seed")
    seed.add_argument("--force", action="store_true", help="overwrite an existing file")
    seed.set_defaults(func=cmd_seed)

    reset = sub.add_parser("reset", help="restore a database to the example state")
    reset.add_argument("--db", default="./sandbox.db", help="SQLite file to reset")
    reset.add_argument("--example", default=None, help="example database to copy")
    reset.set_defaults(func=cmd_reset)

    from app.sandbox.fixtures.command import add_parser as add_fixtures_parser

    add_fixtures_parser(sub)

    load = sub.add_parser("loadtest", help="run the Locust ledger-path mix against a scratch server")
    load.add_argument("--users", type=int, default=50, help="concurrent Locust users")
    load.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    load.add_argument("--duration", default="60s", help="run time (e.g. 60s, 2m)")
    load.add_argument("--csv", default=None, help="CSV output prefix")
    load.set_defaults(func=cmd_loadtest)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Command = args.func
    return func(args)


if __name__ == "__main__":
    raise SystemExit(main())
