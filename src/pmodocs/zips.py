"""Deterministic zips: the same entries give the same bytes, whenever and in whatever order.

A leaf module (standard library only): renderers may import it (DOCX and XLSX are zips), as may
the packets.
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from datetime import date
from typing import Iterable, Mapping


def deterministic_zip(entries: Mapping[str, bytes], when: date, *, prefix: str = "",
                      first: Iterable[str] = (), stored: tuple[str, ...] = ()) -> bytes:
    """A zip of `entries` (name -> bytes) whose bytes depend on nothing else: the entries in
    sorted order (after the names in `first`, in that order: an Office file's
    `[Content_Types].xml`), each deflated (or, when its name ends with one of `stored`, stored
    as it is: a file that is compressed already) with the date of `when` at midnight (1980 at
    the earliest, zip's epoch) and mode 0644. `prefix` puts every entry in that folder.
    Same entries and date, same bytes: whatever order the entries came in, whenever it runs.

    The bytes are exactly those `zipfile` writes for these entries (a test compares them); the
    zip is put together here because `zipfile` cannot take an entry already deflated, and the
    same parts recur: every DOCX carries the reference document's 800 KB of styles, and every
    packet the PDFs and DOCX files already in dist/. Each distinct part is deflated once."""
    lead = [name for name in first if name in entries]
    order = lead + sorted(name for name in entries if name not in lead)
    if len(entries) >= 0xFFFF or sum(len(data) for data in entries.values()) >= ZIP64_FROM:
        return zipfile_zip(entries, order, when, prefix, stored)
    day = max(when.year, 1980), when.month, when.day
    dostime, dosdate = 0, (day[0] - 1980) << 9 | day[1] << 5 | day[2]
    folder = f"{prefix}/" if prefix else ""
    out = io.BytesIO()
    central = io.BytesIO()
    for name in order:
        data = entries[name]
        method = zipfile.ZIP_STORED if name.endswith(stored) else zipfile.ZIP_DEFLATED
        if method == zipfile.ZIP_STORED:
            packed, crc = data, zlib.crc32(data)
        else:
            packed, crc = _deflated(data)
        try:
            encoded, flags = (folder + name).encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = (folder + name).encode("utf-8"), 0x800
        offset = out.tell()
        out.write(struct.pack("<4s2B4H3L2H", b"PK\x03\x04", 20, 0, flags, method,
                              dostime, dosdate, crc, len(packed), len(data), len(encoded), 0))
        out.write(encoded)
        out.write(packed)
        central.write(struct.pack("<4s4B4H3L5H2L", b"PK\x01\x02", 20, 3, 20, 0, flags,
                                  method, dostime, dosdate, crc, len(packed),
                                  len(data), len(encoded), 0, 0, 0, 0, 0o644 << 16, offset))
        central.write(encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(order), len(order),
                          len(central.getvalue()), start, 0))
    return out.getvalue()


ZIP64_FROM = 1 << 30
"""Zips this large, or of 65,535 entries or more, are left to zipfile (its zip64 extensions
start at 2 GiB and at that count)."""


def zipfile_zip(entries: Mapping[str, bytes], order: list[str], when: date, prefix: str,
                stored: tuple[str, ...] = ()) -> bytes:
    """The same zip as `deterministic_zip`, written by zipfile."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    folder = f"{prefix}/" if prefix else ""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in order:
            info = zipfile.ZipInfo(folder + name, date_time=stamp)
            info.compress_type = (zipfile.ZIP_STORED if name.endswith(stored)
                                  else zipfile.ZIP_DEFLATED)
            info.external_attr = 0o644 << 16
            zf.writestr(info, entries[name])
    return out.getvalue()


_DEFLATED: OrderedDict[bytes, tuple[bytes, int]] = OrderedDict()
_DEFLATED_LOCK = threading.Lock()
_kept = [0]  # bytes held in _DEFLATED
_DEFLATED_KEEP = 16 * 1024 * 1024
"""The deflated parts kept for reuse, at most this many bytes of them (the latest used)."""


def _deflated(data: bytes) -> tuple[bytes, int]:
    """(`data` deflated as zipfile deflates it, its CRC-32), from memory when seen before."""
    key = hashlib.sha1(data).digest() + len(data).to_bytes(8, "little")
    with _DEFLATED_LOCK:
        found = _DEFLATED.get(key)
        if found is not None:
            _DEFLATED.move_to_end(key)
            return found
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    made = packer.compress(data) + packer.flush(), zlib.crc32(data)
    with _DEFLATED_LOCK:
        if key not in _DEFLATED:
            _DEFLATED[key] = made
            _kept[0] += len(made[0])
        while _kept[0] > _DEFLATED_KEEP and len(_DEFLATED) > 1:
            _kept[0] -= len(_DEFLATED.popitem(last=False)[1][0])
    return made



def read_zip(data: bytes) -> dict[str, bytes]:
    """Every entry of the zip `data`, name -> bytes, in the zip's own order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}
