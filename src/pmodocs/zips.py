"""Deterministic zips: the same entries give the same bytes, whenever and in whatever order.

A leaf module (standard library only): renderers may import it (DOCX and XLSX are zips), as may
the packets.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Iterable, Mapping


def deterministic_zip(entries: Mapping[str, bytes], when: date, *, prefix: str = "",
                      first: Iterable[str] = ()) -> bytes:
    """A zip of `entries` (name -> bytes) whose bytes depend on nothing else: the entries in
    sorted order (after the names in `first`, in that order: an Office file's
    `[Content_Types].xml`), each stored deflated with the date of `when` at midnight (1980 at
    the earliest, zip's epoch) and mode 0644. `prefix` puts every entry in that folder.
    Same entries and date, same bytes: whatever order the entries came in, whenever it runs."""
    lead = [name for name in first if name in entries]
    order = lead + sorted(name for name in entries if name not in lead)
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    folder = f"{prefix}/" if prefix else ""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in order:
            info = zipfile.ZipInfo(folder + name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, entries[name])
    return out.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    """Every entry of the zip `data`, name -> bytes, in the zip's own order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}
