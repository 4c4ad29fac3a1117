"""A calendar event -> iCalendar text (RFC 5545), so the launch meeting can be added to a diary.

Deterministic: the UID and DTSTAMP come from the content, times are floating local times (the
meeting happens where it happens), lines end in CRLF and are folded at 75 octets.
"""

from __future__ import annotations

import re
from datetime import datetime

from ..document import CalendarEvent


def render_ics(event: CalendarEvent, product: str) -> str:
    """One VEVENT in a VCALENDAR; every content value is escaped as iCalendar TEXT."""
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//pmodocs//{ics_text(product)}//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:{ics_text(event.uid)}",
        f"DTSTAMP:{_utc(event.stamp)}",
        f"DTSTART:{_local(event.start)}",
        f"DTEND:{_local(event.end)}",
        f"SUMMARY:{ics_text(event.summary)}",
        f"LOCATION:{ics_text(event.location)}",
        f"DESCRIPTION:{ics_text(event.description)}",
    ]
    if event.organizer_email:
        mail = _param(event.organizer_email)  # a URI: no control characters or quotes
        lines.append(f'ORGANIZER;CN="{_param(event.organizer_name)}":mailto:{mail}')
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def ics_text(value: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma, and every kind of line break (a bare
    CR included) as \\n, so content can never start a property line of its own; any other
    control character (which TEXT may not hold, and the loader refuses) is left out."""
    value = _BREAKS.sub("\n", value)
    escaped = (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
               .replace("\n", "\\n"))
    return _CONTROLS.sub("", escaped)


def _param(value: str) -> str:
    """A quoted parameter value may not contain double quotes or control characters."""
    return "".join(ch for ch in value if ch != '"' and ch >= " " and ch != "\x7f")


def fold(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets (never inside a character)."""
    out: list[str] = []
    current = ""
    for ch in line:
        limit = 75 if not out else 74  # continuation lines start with one space
        if len((current + ch).encode("utf-8")) > limit:
            out.append(current)
            current = ch
        else:
            current += ch
    out.append(current)
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")
