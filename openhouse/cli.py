"""The `openhouse` command: serve, demo, worker, and a passthrough to Django's management commands."""

import argparse
import logging
import os
import sys
import threading

# Periodic sweeps of work kept as rows (see STYLE.md): each re-runs whatever is overdue, and is safe to run
# in several processes at once.
SWEEPERS = ["openhouse.publishing.services.publish_due_drafts", "openhouse.media.services.inspect_pending"]


def _django(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openhouse", *argv])


def _embedded_defaults() -> None:
    # Without a configured database or secret this is the embedded first look on a laptop.
    if not os.environ.get("OPENHOUSE_DATABASE_URL") and not os.environ.get("OPENHOUSE_SECRET_KEY"):
        os.environ.setdefault("OPENHOUSE_EMBEDDED", "true")


def start_sweeper() -> threading.Thread | None:
    """Run SWEEPERS every OPENHOUSE_SWEEP_SECONDS in a daemon thread of this process.

    A scheduled post is published by its task at the due time when the task backend can defer (database);
    the sweep is what makes it happen in any case: with the in-process backend, after a crash, a lost queue.
    """
    from django.conf import settings
    from django.db import close_old_connections
    from django.utils.module_loading import import_string

    seconds = settings.SWEEP_SECONDS
    if seconds <= 0:
        return None
    sweeps = [import_string(name) for name in SWEEPERS]
    log = logging.getLogger("openhouse.sweeper")

    def loop() -> None:
        while not stopping.wait(seconds):
            for sweep in sweeps:
                try:
                    sweep()
                except Exception:
                    log.exception("sweep %s failed; it runs again in %s s", sweep.__name__, seconds)
                finally:
                    close_old_connections()

    stopping = threading.Event()
    thread = threading.Thread(target=loop, name="openhouse-sweeper", daemon=True)
    thread.start()
    return thread


def serve(args: argparse.Namespace) -> None:
    """Apply migrations, collect static files, then serve with granian in WSGI mode.

    WSGI, not ASGI: on these machines the same Django app answered about five times more requests under a
    WSGI server, and ASGI with persistent database connections exhausted PostgreSQL's connection limit.
    """
    _django(["migrate", "--no-input", "-v", "0"])
    _django(["collectstatic", "--no-input", "-v", "0"])
    from django.conf import settings
    from granian import Granian
    from granian.constants import Interfaces

    if settings.TASK_BACKEND == "immediate":  # otherwise `openhouse worker` sweeps
        start_sweeper()
    print(f"openhouse is serving on http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True)
    Granian(
        "openhouse.wsgi:application",
        address=args.host,
        port=args.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads,
        log_access=args.access_log,
    ).serve()


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhouse.settings")
    parser = argparse.ArgumentParser(prog="openhouse", description="Run and manage an openhouse site.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="migrate and serve (http://127.0.0.1:8000 by default)")
    p_serve.add_argument("--host", default=os.environ.get("OPENHOUSE_HOST", "127.0.0.1"))
    p_serve.add_argument("--port", type=int, default=int(os.environ.get("OPENHOUSE_PORT", "8000")))
    p_serve.add_argument("--workers", type=int, default=int(os.environ.get("OPENHOUSE_WORKERS", "2")))
    p_serve.add_argument("--threads", type=int, default=int(os.environ.get("OPENHOUSE_THREADS", "8")))
    p_serve.add_argument("--access-log", action="store_true")
    sub.add_parser("demo", help="migrate and load the demo content (safe to run again)")
    sub.add_parser("worker", help="run queued background tasks (with OPENHOUSE_TASK_BACKEND=database)")
    sub.add_parser("manage", help="any Django management command, e.g. 'openhouse manage check --deploy'")
    if argv[:1] == ["manage"]:
        _embedded_defaults()
        _django(argv[1:])
        return
    args = parser.parse_args(argv)
    _embedded_defaults()
    if args.command == "serve":
        serve(args)
    elif args.command == "demo":
        _django(["migrate", "--no-input", "-v", "0"])
        _django(["demo"])
    elif args.command == "worker":
        import django

        django.setup()
        start_sweeper()
        _django(["db_worker"])


if __name__ == "__main__":
    main()
