"""Strict YAML reading: plain data plus the line of every value, and nothing executable.

libyaml (through PyYAML's C loader) composes the node tree, so every value keeps its line; we
construct plain Python data ourselves, by the YAML 1.2 core schema, so that tags,
anchors/aliases and duplicate keys are refused with a location instead of being executed,
expanded or silently dropped. (ruamel.yaml is used where a file is edited in place, keeping its
comments: `pmodocs approve`.)
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import Problem

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
"""No plan nests deeper than about 8 levels; a deeper file is a mistake or an attack."""
_TOO_DEEP = (f"nests lists or mappings more than {MAX_DEPTH} levels deep (expected the shape "
             "shown in the example content)")
Path_ = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}


class YamlProblem(Exception):
    def __init__(self, line: int, field: str, message: str):
        super().__init__(message)
        self.line, self.field, self.message = line, field, message


def format_path(path: Path_) -> str:
    """('register', 3, 'owner') -> 'register[3].owner'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """The text of one YAML file (for `parse_yaml`), or None and what is wrong with its bytes
    (too large, a byte-order mark, not UTF-8)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # checked before reading, so a huge file costs no memory
        return None, [Problem(display, 1, "", f"is {size // 1024 // 1024} MB; content "
                              f"files are limited to {MAX_FILE_BYTES // 1024 // 1024} MB "
                              "(split it, or remove what does not belong in a plan)")]
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [Problem(display, 1, "", "starts with a byte-order mark (BOM); save the "
                              "file as UTF-8 without BOM")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, "", f"is not UTF-8 text (byte 0x{raw[exc.start]:02X}"
                              " cannot be read); save the file as UTF-8")]


def parse_yaml(text: str, display: str) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """Compose with libyaml (PyYAML's C parser: fast, and marks every node with its line), then
    construct plain data ourselves."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        deep, anchor = _scan_events(text, loader)
        if deep:  # checked on the event stream first: composing recurses once per level
            return None, {}, [Problem(display, deep, "", _TOO_DEEP)]
        node = yaml.compose(text, Loader=loader)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL
        position = min(exc.position, len(text) - 1)
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        return None, {}, [Problem(display, line, "", f"YAML syntax error, column {col}: the "
                                  f"character U+{ord(text[position]):04X} is not allowed in YAML "
                                  "(remove it)")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in what:  # libyaml's own limit (1000 levels) met while scanning
            return None, {}, [Problem(display, line, "", _TOO_DEEP)]
        return None, {}, [Problem(display, line, "", f"YAML syntax error{col}: {what}"
                                  f"{_tab_hint(text, mark)}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(display, 1, "", f"YAML syntax error: {exc}")]
    if node is None:
        return None, {}, [Problem(display, 1, "", "is empty (expected the YAML content of this file)")]
    lines: dict[Path_, int] = {}
    try:
        data = _construct(node, (), lines, set(), anchor)
    except YamlProblem as exc:
        return None, lines, [Problem(display, exc.line, exc.field, exc.message)]
    return data, lines, []


def _tab_hint(text: str, mark: Any) -> str:
    """libyaml does not name the character it stumbled on; a tab there gets its own advice."""
    if mark is None:
        return ""
    lines = text.split("\n")
    here = lines[mark.line] if mark.line < len(lines) else ""
    return " (a tab: indent with spaces, not tabs)" if "\t" in here[: mark.column + 1] else ""


def _construct(node: Any, path: Path_, lines: dict[Path_, int], seen: set[int],
               anchor: tuple[int, int] | None = None) -> Any:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    field = format_path(path)
    if len(path) > MAX_DEPTH:
        raise YamlProblem(line, field, _TOO_DEEP)
    at = (node.start_mark.line, node.start_mark.column)
    if at == anchor or id(node) in seen:  # an alias is given the very node it names
        raise YamlProblem(line, field, "uses a YAML anchor (&) or alias (*); write the value out "
                          "in full (anchors are not supported)")
    seen.add(id(node))
    tag = node.tag
    if isinstance(node, MappingNode):
        if tag != "tag:yaml.org,2002:map":
            raise YamlProblem(line, field, f"has the YAML tag {tag!r}; tags are not allowed")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar_key(key_node, field)
            key_line = key_node.start_mark.line + 1
            if key in result:
                raise YamlProblem(key_line, format_path(path + (key,)),
                                  f"duplicate key (first given on line {lines[path + (key,)]}); "
                                  "each key may appear once")
            lines[path + (key,)] = key_line
            result[key] = _construct(value_node, path + (key,), lines, seen, anchor)
        return result
    if isinstance(node, SequenceNode):
        if tag != "tag:yaml.org,2002:seq":
            raise YamlProblem(line, field, f"has the YAML tag {tag!r}; tags are not allowed")
        return [_construct(item, path + (i,), lines, seen, anchor) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    if tag not in _PLAIN_TAGS:
        raise YamlProblem(line, field, f"has the YAML tag {tag!r}; tags are not allowed")
    return _scalar(node, line, field)


def _scalar_key(node: Any, parent: str) -> str:
    from yaml.nodes import ScalarNode

    line = node.start_mark.line + 1
    if not isinstance(node, ScalarNode) or node.tag not in _PLAIN_TAGS:
        raise YamlProblem(line, parent, "has a key that is not plain text")
    return clean_text(str(node.value), line, parent, what="a key")


# --- the one rule for text -------------------------------------------------------------------
# Every text value and every key of every content file passes `clean_text` once, here, whatever
# field it ends up in (titles, e-mails, ids, paths): the model, the checks and every renderer
# see only text that obeys it.
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
"""CRLF, a bare CR, NEL and the Unicode line/paragraph separators all become a plain newline."""
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                      "\ud800-\udfff\ufffe\uffff]")
"""C0 and C1 control characters (but tab and newline), bidirectional overrides and isolates
(they reorder what a reader sees: 'Trojan source'), lone surrogates and non-characters."""
_NAMES = {"\x1b": "ESC, a terminal escape", "\x00": "NUL", "\x07": "BEL", "\x0b": "vertical tab",
          "\x0c": "form feed", "\x7f": "DEL"}


def clean_text(value: str, line: int, field: str, what: str = "text") -> str:
    """`value` with its line breaks made plain newlines; refused (located) if it holds a
    character that no output can show safely. The one gate for all text of the content."""
    if not value.isascii() or "\r" in value or _REFUSED.search(value):
        value = _LINE_BREAKS.sub("\n", value)
        bad = _REFUSED.search(value)
        if bad:
            ch = bad.group()
            code = ord(ch)
            if 0xD800 <= code <= 0xDFFF:
                kind = "invalid Unicode character escape (a lone surrogate)"
            elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
                kind = "bidirectional override character"
            elif code in (0xFFFE, 0xFFFF):
                kind = "non-character"
            else:
                kind = "control character"
            name = f" ({_NAMES[ch]})" if ch in _NAMES else ""
            col = bad.start() + 1
            prefix = "" if what == "text" else f"{what} "
            raise YamlProblem(line, field, f"{prefix}contains the {kind} U+{code:04X}{name} at "
                              f"character {col}; remove it (only tab and line breaks are "
                              "allowed among control characters)")
    return value


_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = re.compile(r"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
_DATETIME = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
                       r"(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?$")


def _scalar(node: Any, line: int, field: str) -> Any:
    """A scalar's value by the YAML 1.2 core schema: only plain scalars are anything but text,
    so `no`, `on` and `yes` stay words (YAML 1.1 would make them booleans)."""
    value = str(node.value)
    if node.style or node.tag == "tag:yaml.org,2002:str" and not _looks_implicit(value):
        return clean_text(value, line, field)
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if _INT.match(value):
        try:
            return int(value, 0) if value[:2] in ("0x", "0o") else int(value)
        except ValueError:  # Python refuses to convert integers of more than 4,300 digits
            raise YamlProblem(line, field, f"is a number of {len(value):,} digits; expected a "
                              "number of a sensible size") from None
    if _SPECIAL_FLOAT.match(value):
        raise YamlProblem(line, field, f"{value!r} is not a finite number")
    if _FLOAT.match(value):
        number = float(value)
        if not math.isfinite(number):  # 1e999 is too big for a float: it would be infinity
            raise YamlProblem(line, field, f"{value!r} is not a finite number (too large to "
                              "store; expected a number of a sensible size)")
        return number
    if _DATE.match(value) or _DATETIME.match(value):
        return _timestamp(node, value, line, field)
    return clean_text(value, line, field)


def _looks_implicit(value: str) -> bool:
    return bool(_NULL.match(value) or _BOOL.match(value) or _INT.match(value)
                or _FLOAT.match(value) or _DATE.match(value) or _DATETIME.match(value))


def _timestamp(node: Any, value: str, line: int, field: str) -> Any:
    from yaml.constructor import SafeConstructor

    try:
        parsed = SafeConstructor().construct_yaml_timestamp(node)
    except ValueError as exc:
        raise YamlProblem(line, field, f"{value!r} is not a real date ({exc}); expected "
                          "a date such as 2026-11-02") from None
    if isinstance(parsed, datetime):
        return parsed.date() if parsed.time() == datetime.min.time() else parsed
    return parsed if isinstance(parsed, date) else value


def _scan_events(text: str, loader: Any) -> tuple[int, tuple[int, int] | None]:
    """From the (iterative) event stream: the line where nesting passes MAX_DEPTH (0 if never),
    and where the first anchor is set, so the refusal names the anchored field itself."""
    import yaml

    depth, anchor = 0, None
    for event in yaml.parse(text, Loader=loader):
        mark = event.start_mark  # libyaml marks every event it emits
        assert mark is not None
        if anchor is None and getattr(event, "anchor", None) and not isinstance(event, yaml.AliasEvent):
            anchor = (mark.line, mark.column)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return mark.line + 1, anchor
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return 0, anchor
