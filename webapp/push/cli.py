"""``flask reminders send`` and ``flask reminders worker``: the sender's entry points.

Each command creates nothing at import time: the sender, the worker loop and the
database helpers are imported when the command runs (``sender.py``, ``worker.py``).
"""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from .config import settings

reminders_cli = AppGroup("reminders", help="Send the push reminders that are due.")


def parse_now(value: str | None) -> dt.datetime | None:
    """``--now``: an ISO 8601 moment; without a zone it is UTC."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"not an ISO 8601 date-time: {value!r}") from e
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@reminders_cli.command("send")
@click.option("--now", "now_text", metavar="ISO-8601", help="Send what is due at this moment.")
def send_command(now_text: str | None) -> None:
    """Send everything due once, then exit (status 1, one line, if the database is unreachable)."""
    from ..db import describe, unavailable
    from .sender import run_once, settle_memory

    now = parse_now(now_text)
    settle_memory()
    try:
        stats = run_once(now=now)
    except Exception as e:
        if unavailable(e):
            raise click.ClickException(f"database unavailable: {describe(e)}") from None
        raise
    click.echo(stats.summary())


@reminders_cli.command("worker")
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=None,
    hidden=True,
    help="Stop after this many runs (tests).",
)
def worker_command(runs: int | None) -> None:
    """Keep sending due reminders, every REMINDERS_POLL_SECONDS, until SIGTERM/SIGINT.

    An unreachable database delays the reminders, it does not stop the worker (worker.py).
    """
    from .sender import Sender, settle_memory
    from .worker import work

    sender = Sender.from_app()  # one sender: its VAPID header cache outlives each run
    settle_memory()
    work(sender, settings(), runs=runs)
