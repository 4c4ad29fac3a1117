"""Strict YAML reading: plain data plus the line of every value, and nothing executable.

ruamel.yaml composes the node tree (so every value keeps its line); we construct plain Python
data ourselves so that tags, anchors/aliases and duplicate keys are refused with a location
instead of being executed, expanded or silently dropped.
"""

from __future__ import annotations

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


def read_yaml(path: Path, display: str) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """Return (data, lines by key path, problems) for one YAML file."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # checked before reading, so a huge file costs no memory
        return None, {}, [Problem(display, 1, "", f"is {size // 1024 // 1024} MB; content "
                                  f"files are limited to {MAX_FILE_BYTES // 1024 // 1024} MB "
                                  "(split it, or remove what does not belong in a plan)")]
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, {}, [Problem(display, 1, "", "starts with a byte-order mark (BOM); save the "
                                  "file as UTF-8 without BOM")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, {}, [Problem(display, line, "", f"is not UTF-8 text (byte 0x{raw[exc.start]:02X}"
                                  " cannot be read); save the file as UTF-8")]
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> tuple[Any, dict[Path_, int], list[Problem]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    yaml = YAML(typ="rt")
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = f", column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        hint = " (indent with spaces, not tabs)" if "\\t" in what or "'\\t'" in str(exc) else ""
        return None, {}, [Problem(display, line, "", f"YAML syntax error{col}: {what}{hint}")]
    except ReaderError as exc:  # a character YAML does not allow, e.g. NUL: locate it ourselves
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return None, {}, [Problem(display, line, "", f"YAML syntax error, column {col}: the "
                                  f"character U+{ord(text[exc.position]):04X} is not allowed in YAML "
                                  "(remove it)")]
    except YAMLError as exc:
        return None, {}, [Problem(display, 1, "", f"YAML syntax error: {exc}")]
    except RecursionError:  # the composer recurses once per level of nesting
        return None, {}, [Problem(display, _too_deep_line(yaml, text), "", _TOO_DEEP)]
    if node is None:
        return None, {}, [Problem(display, 1, "", "is empty (expected the YAML content of this file)")]
    lines: dict[Path_, int] = {}
    try:
        data = _construct(node, (), lines, yaml.constructor)
    except YamlProblem as exc:
        return None, lines, [Problem(display, exc.line, exc.field, exc.message)]
    return data, lines, []


def _construct(node: Any, path: Path_, lines: dict[Path_, int], constructor: Any) -> Any:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    line = node.start_mark.line + 1
    lines.setdefault(path, line)
    field = format_path(path)
    if len(path) > MAX_DEPTH:
        raise YamlProblem(line, field, _TOO_DEEP)
    if getattr(node, "anchor", None):
        raise YamlProblem(line, field, "uses a YAML anchor (&) or alias (*); write the value out "
                          "in full (anchors are not supported)")
    tag = node.tag if isinstance(node.tag, str) else node.tag.value
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
            result[key] = _construct(value_node, path + (key,), lines, constructor)
        return result
    if isinstance(node, SequenceNode):
        if tag != "tag:yaml.org,2002:seq":
            raise YamlProblem(line, field, f"has the YAML tag {tag!r}; tags are not allowed")
        return [_construct(item, path + (i,), lines, constructor) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    if tag not in _PLAIN_TAGS:
        raise YamlProblem(line, field, f"has the YAML tag {tag!r}; tags are not allowed")
    return _scalar(node, tag, line, field, constructor)


def _scalar_key(node: Any, parent: str) -> str:
    from ruamel.yaml.nodes import ScalarNode

    line = node.start_mark.line + 1
    if not isinstance(node, ScalarNode) or getattr(node, "anchor", None):
        raise YamlProblem(line, parent, "has a key that is not plain text")
    return str(node.value)


def _scalar(node: Any, tag: str, line: int, field: str, constructor: Any) -> Any:
    if tag == "tag:yaml.org,2002:str":
        # ruamel marks where a folded (>) scalar was folded with BEL; the value has no such character
        return str(node.value).replace("\a", "") if node.style == ">" else str(node.value)
    if tag == "tag:yaml.org,2002:timestamp":
        try:
            value = constructor.construct_yaml_timestamp(node)
        except ValueError as exc:
            raise YamlProblem(line, field, f"{node.value!r} is not a real date ({exc}); expected "
                              "a date such as 2026-11-02") from None
        if isinstance(value, datetime):
            return value.date() if value.time() == datetime.min.time() else value
        return value if isinstance(value, date) else str(node.value)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return node.value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        digits = node.value.replace("_", "")
        try:
            return int(digits, 0) if digits[:2] in ("0x", "0o") else int(digits)
        except ValueError:  # Python refuses to convert integers of more than 4,300 digits
            raise YamlProblem(line, field, f"is a number of {len(digits):,} digits; expected a "
                              "number of a sensible size") from None
    value = constructor.construct_yaml_float(node)
    if value != value or value in (float("inf"), float("-inf")):
        raise YamlProblem(line, field, f"{node.value!r} is not a finite number")
    return value


def _too_deep_line(yaml: object, text: str) -> int:
    """The line where nesting passes MAX_DEPTH, found with the (iterative) event parser."""
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

    depth = 0
    for event in yaml.parse(text):  # type: ignore[attr-defined]
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return 1
