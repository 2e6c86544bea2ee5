"""`vtex-linio` (also `python -m app`): run the service, split roles, import CSV files, run
a store's initial load."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from contextlib import AsyncExitStack
from pathlib import Path

import structlog
from aio_pika.exceptions import AMQPError
from aiohttp import web
from pymongo.errors import PyMongoError

from app import db_counts
from app.admin_auth import hash_password
from app.embedded_mongo import EmbeddedMongoError
from app.http_server import HardenedAppRunner
from app.log_setup import configure_logging
from app.runtime import Runtime, open_runtime
from app.settings import ENV_VARS, Settings, SettingsError
from app.web import create_app
from app.worker import Worker
from clients.redact import KNOWN_SECRETS, mask_text
from domain.importer import ImportFailed, import_directory
from domain.mappings import Mappings

log = structlog.get_logger(__name__)


def _env_help() -> str:
    rows = [f"  {v.name:<20} {v.help} (default: {v.default or 'unset'})" for v in ENV_VARS]
    return "environment variables:\n" + "\n".join(rows)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vtex-linio",
        description="Connect a VTEX store to the Linio marketplace.",
        epilog=_env_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "serve",
        help="run the web server and the workers in one process (the simplest deployment)",
        description="Web server and workers in one process. With no configuration it uses an "
        "embedded database under DATA_DIR and an in-process broker.",
    )
    sub.add_parser(
        "web",
        help="run only the web server (VTEX routes, dashboard); scale it separately",
        description="Only the HTTP side: it accepts notifications and enqueues work. Needs "
        "AMQP_URL and MONGODB_URI shared with the workers.",
    )
    sub.add_parser(
        "worker",
        help="run only the queue consumers; start several for throughput",
        description="Only the queue consumers. Run as many as needed against the same "
        "AMQP_URL and MONGODB_URI.",
    )
    imp = sub.add_parser(
        "import",
        help="import seller.csv, categories.csv and brands.csv from a directory",
        description="Import the CSV files Linio's VTEX plugin uses (exact columns). Every bad "
        "row is reported with file and line; nothing is written unless all files are valid.",
    )
    imp.add_argument("directory", type=Path, help="directory holding the CSV files")
    imp.add_argument(
        "--affiliate-id",
        help="VTEX affiliate id for the imported stores "
        "(3 consonants; default per country, e.g. LMX for Mexico)",
    )
    imp.add_argument("--store", help="existing store id for mappings when there is no seller.csv")
    load = sub.add_parser(
        "load",
        help="initial load: publish every SKU of a store's trade policy on Linio",
        description="Pages the store's trade policy and sends every SKU through the catalog "
        "pipeline, with a progress bar and a summary. Goes through the running service's "
        "admin API when one answers at HOST:PORT; runs in-process otherwise.",
    )
    load.add_argument("store", help="store id (e.g. acme-mx)")
    load.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds to wait (default: 3600)"
    )
    sub.add_parser(
        "hash-password",
        help="read a dashboard password from stdin and print its scrypt hash",
        description="Prints the hash to put in ADMIN_PASSWORD or SUPPORT_PASSWORD, so the "
        "plain password never sits in the environment.",
    )
    bench = sub.add_parser(
        "bench",
        help="run the homologation benchmark (bench/REPORT.md) against the simulators",
        description="Starts both simulators and the service (embedded defaults; RabbitMQ "
        "with web + 2 workers), measures the scenarios of issue 13 and writes "
        "bench/report.json and bench/REPORT.md. Exits 1 when anything is lost or duplicated.",
    )
    from bench.run import add_arguments

    add_arguments(bench)
    rec = sub.add_parser(
        "reconcile",
        help="re-read a store's published SKUs from VTEX and heal what drifted on Linio",
        description="One reconciliation pass now (most sold and stalest SKUs first, within the "
        "store's budget): price, sale and stock Linio shows are compared with VTEX and sent "
        "again where they differ. Goes through the running service's admin API when one "
        "answers at HOST:PORT; runs in-process otherwise.",
    )
    rec.add_argument("store", help="store id (e.g. acme-mx)")
    rec.add_argument("--timeout", type=float, default=600.0, help="seconds to wait (default: 600)")
    return parser


async def _run_until_stopped(runners: list[web.AppRunner], worker: Worker | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        if worker is not None:
            await worker.stop()
        for runner in runners:
            await runner.cleanup()


async def _start_web(settings: Settings, runtime: Runtime) -> web.AppRunner:
    runner = HardenedAppRunner(
        create_app(settings, runtime=runtime),
        read_timeout=settings.read_timeout,
        access_log=None,
    )
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    base = settings.public_base_url
    print(
        f"vtex-linio is running: dashboard {base}/admin  (user {settings.admin_user}, "
        f"password in ADMIN_PASSWORD or {settings.data_dir / 'admin.password'})",
        flush=True,
    )
    print(f"health {base}/health · readiness {base}/ready", flush=True)
    return runner


async def _serve(settings: Settings, *, web_role: bool, worker_role: bool) -> None:
    from handlers.consumers import CONSUMERS, SCHEDULES

    role = "serve" if web_role and worker_role else "web" if web_role else "worker"
    async with (
        db_counts.exporting(settings.db_counts_dir, role),
        open_runtime(settings) as runtime,
        AsyncExitStack() as stack,
    ):
        if settings.sandbox and web_role:
            from app.sandbox import run_sandbox

            sandbox = await stack.enter_async_context(run_sandbox(runtime))
            print(
                f"sandbox: VTEX simulator {sandbox.vtex.url} (account sandbox), Seller "
                f"Center simulator {sandbox.linio.url}, store {sandbox.store.store_id}",
                flush=True,
            )
        runners = [await _start_web(settings, runtime)] if web_role else []
        worker = Worker(runtime, CONSUMERS, schedules=SCHEDULES) if worker_role else None
        if worker is not None:
            await worker.start()
            log.info("worker_started", broker=runtime.broker.kind)
        if settings.sandbox and web_role and runners and not sandbox.restored:
            sandbox.demo_orders()  # Linio buyers order (paid and unpaid) once we listen
        await _run_until_stopped(runners, worker)


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    async with open_runtime(settings, start_broker=False) as runtime:
        try:
            report = await import_directory(
                args.directory,
                runtime.storage.db,
                runtime.stores,
                affiliate_id=args.affiliate_id,
                store_id=args.store,
                # No broker here: SKUs waiting on these mappings are released by the next
                # mapping saved through the service, or re-read by the next initial load.
                mappings=Mappings(runtime.storage.db),
            )
        except ImportFailed as exc:
            print(
                "Import refused; nothing was written. Fix these rows and run it again:",
                file=sys.stderr,
            )
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return 2
    print(
        f"stores: {report.stores_created} created, {report.stores_updated} updated, "
        f"{report.stores_unchanged} unchanged ({', '.join(report.store_ids)}); "
        f"categories mapped: {report.categories}; brands mapped: {report.brands}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "hash-password":
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < 8:
            print("the password must have at least 8 characters", file=sys.stderr)
            return 2
        print(hash_password(password))
        return 0
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    KNOWN_SECRETS.add(settings.secret_values())
    try:
        if args.command == "import":
            return asyncio.run(_import(settings, args))
        if args.command == "load":
            from app.load_command import run_load

            return asyncio.run(run_load(settings, args.store, timeout=args.timeout))
        if args.command == "bench":
            from bench.run import main as bench_main

            return bench_main(args)
        if args.command == "reconcile":
            from app.reconcile_command import run_reconcile

            return asyncio.run(run_reconcile(settings, args.store, timeout=args.timeout))
        roles = {"serve": (True, True), "web": (True, False), "worker": (False, True)}
        web_role, worker_role = roles[args.command]
        asyncio.run(_serve(settings, web_role=web_role, worker_role=worker_role))
    except STARTUP_FAILURES as exc:
        print(f"vtex-linio could not start: {startup_cause(exc, settings)}", file=sys.stderr)
        return 1
    return 0


# What a start-up can fail on: the database, the broker, the port. Anything else is a bug and
# keeps its traceback.
STARTUP_FAILURES: tuple[type[BaseException], ...] = (
    EmbeddedMongoError,
    PyMongoError,
    AMQPError,
    OSError,
)


def startup_cause(exc: BaseException, settings: Settings) -> str:
    """One line naming the real cause, with every configured secret masked."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, AMQPError | ConnectionError) and settings.amqp_url:
        text = f"RabbitMQ at AMQP_URL is unreachable or refused the login ({text})"
    elif isinstance(exc, PyMongoError):
        text = f"MongoDB is unreachable or refused the login ({text})"
    return mask_text(text[:400], settings.secret_values())
