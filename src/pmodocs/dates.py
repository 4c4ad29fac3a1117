"""The build's dates, read once: SOURCE_DATE_EPOCH when set, else the content's own date.

Outputs never take the clock's date (same content, same bytes); only commands that create a
record (`new`, `approve`) fall back to the calendar, through `today`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Iterator

from .errors import UsageError

if TYPE_CHECKING:
    from .model import Content

ZIP_RANGE = (315532800, 4294967295)
"""1980-01-01 .. 2106-02-07: what zip and gzip timestamps can store."""


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as seconds, or None when unset or not a number."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(epoch) if epoch.isdigit() else None


@contextmanager
def epoch_for_tools(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to `epoch` while a tool that reads it runs in this process (mkdocs
    dates its sitemap by it), and restored after."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def today() -> date:
    """The date a new record is made on: SOURCE_DATE_EPOCH's day when set, else the calendar date."""
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).date()
    return date.today()


def build_time(content: Content) -> datetime:
    """SOURCE_DATE_EPOCH when set, else the program's as-of date: never the clock."""
    epoch = source_date_epoch()
    if epoch is not None:
        low, high = ZIP_RANGE
        if not low <= epoch <= high:
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch} is outside what zip and gzip "
                             f"timestamps can store (expected {low} to {high}, i.e. "
                             "1980-01-01 to 2106-02-07)")
        return datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None)
    d = content.program.as_of
    return datetime(d.year, d.month, d.day)
