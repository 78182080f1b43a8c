"""The `linli` command: serve, seed, worker, and `manage` for any Django management command."""

import argparse
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    import django

    django.setup()


def _manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["linli manage", *argv])


# The access log's lines without the query string: an Open311 `api_key`, a search for a phone
# number or an identity number in a URL must not land in a log file.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'


def gunicorn_argv(args: argparse.Namespace) -> list[str]:
    return [
        "gunicorn",
        "linli.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "-" if args.access_log else "/dev/null",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--graceful-timeout",
        "10",
    ]


def serve(args: argparse.Namespace) -> None:
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from gunicorn.app.wsgiapp import run

    sys.argv = gunicorn_argv(args)
    print(f"Linli is serving on http://{args.host}:{args.port}/", flush=True)
    # On one machine the background worker (imports, reminders) runs beside the web server, and
    # is started again whenever it stops.
    supervisor = None
    if not args.no_worker:
        supervisor = Supervisor(
            lambda: subprocess.Popen([sys.executable, "-m", "linli.cli", "worker"])
        )
        supervisor.start()
    try:
        run()
    finally:
        if supervisor is not None:
            supervisor.stop()


class Supervisor:
    """Keeps a child process running: starts it, and starts it again when it ends (after a
    pause that grows while it keeps dying young, up to a minute), until `stop`."""

    def __init__(self, start: "Callable[[], subprocess.Popen[bytes]]", pause: float = 1.0) -> None:
        self._start, self._pause = start, pause
        self._stopping = threading.Event()
        # Held while a child is started, so that `stop` never misses one started meanwhile.
        self._lock = threading.Lock()
        # gunicorn forks its web workers from this process, each with a copy of this object;
        # a worker leaving `serve` on its way out runs `stop` too, and must not kill the child
        # it does not own (the child would then be started again while the server shuts down).
        self._owner = os.getpid()
        self.child: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._thread = threading.Thread(target=self._keep, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _keep(self) -> None:
        pause = self._pause
        while True:
            with self._lock:
                if self._stopping.is_set():
                    return
                started = time.monotonic()
                self.child = child = self._start()
                self.starts += 1
            code = child.wait()
            if self._stopping.is_set():
                return
            logging.getLogger("linli.serve").error(
                "the worker stopped (%s); starting it again", code
            )
            pause = self._pause if time.monotonic() - started > 60 else min(pause * 2, 60.0)
            self._stopping.wait(pause)

    def stop(self) -> None:
        if os.getpid() != self._owner:
            return
        with self._lock:
            self._stopping.set()
            child = self.child
        if child is not None and child.poll() is None:
            child.terminate()
            child.wait(timeout=15)
        self._thread.join(timeout=20)


def _every_minute(every_seconds: int) -> None:
    """The jobs the apps give the worker (`LinliAppConfig.periodic_jobs`): late requests
    escalated, imports whose worker died reported as stopped, …"""
    from django.db import connection

    from linli.core.plugins import periodic_jobs

    jobs = periodic_jobs()
    while True:
        for job in jobs:
            try:
                job.run()
            except Exception:  # a bad round must not stop the next one
                logging.getLogger("linli.worker").exception("%s failed", job.name)
            finally:
                connection.close()
        time.sleep(every_seconds)


def worker(argv: list[str]) -> None:
    """The background worker: queued tasks (imports …) and, every minute, the apps' periodic
    jobs (late-request escalation, stalled imports). The pages compute both on read as well, so
    a stopped worker delays only the timeline entries."""
    _django()
    every = int(os.environ.get("LINLI_ESCALATE_EVERY", "60"))
    threading.Thread(target=_every_minute, args=(every,), daemon=True).start()
    run_tasks(argv)


def run_tasks(argv: list[str], pause: float = 1.0) -> None:
    """The task worker; a locked database (SQLite busy with a long write) is waited out and
    retried, never fatal."""
    from django.core.management import call_command
    from django.db import OperationalError, connection

    while True:
        try:
            call_command("db_worker", *argv)
            return
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            logging.getLogger("linli.worker").warning("database locked; retrying: %s", exc)
            connection.close()
            time.sleep(pause)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="linli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="run the web server (gunicorn)")
    p_serve.add_argument("--host", default=os.environ.get("LINLI_HOST", "127.0.0.1"))
    p_serve.add_argument("--port", type=int, default=int(os.environ.get("LINLI_PORT", "8000")))
    p_serve.add_argument("--workers", type=int, default=int(os.environ.get("LINLI_WORKERS", "2")))
    p_serve.add_argument("--threads", type=int, default=int(os.environ.get("LINLI_THREADS", "4")))
    p_serve.add_argument("--access-log", action="store_true")
    p_serve.add_argument("--no-worker", action="store_true", help="run no background worker")
    sub.add_parser("seed", help="seed demo data (see `linli seed --help`)", add_help=False)
    sub.add_parser("worker", help="run the background task worker", add_help=False)
    sub.add_parser("import", help="import a roster (see `linli import --help`)", add_help=False)
    sub.add_parser("backup", help="back up the database to a file", add_help=False)
    sub.add_parser("restore", help="restore the database from a backup", add_help=False)
    sub.add_parser("manage", help="any Django management command", add_help=False)

    if argv and argv[0] in ("seed", "import", "backup", "restore", "worker", "manage"):
        command, rest = argv[0], argv[1:]
        if command in ("seed", "import", "backup", "restore"):
            _manage([command, *rest])
        elif command == "worker":
            worker(rest)
        else:
            _manage(rest)
        return
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args)


if __name__ == "__main__":
    main()
