"""Edit a YAML file's text in place: change, add and remove list items and their values.

Each edit replaces exactly the characters of the node it changes (located by the YAML
parser's marks), so every comment, blank line, folded paragraph and quoting style that the
edit does not touch stays byte for byte. (ruamel's round trip keeps comments but re-flows
multi-line plain text, which would rewrite every paragraph of a plan.)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

_PLAIN_OK = re.compile(r"^[A-Za-z0-9(][^\n]*$")


def scalar(value: Any) -> str:
    """One value as a single-line YAML scalar that reads back as exactly `value`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if "e" not in text else format(value, "f")
    text = str(value)
    if _PLAIN_OK.match(text) and ": " not in text and " #" not in text and text == text.strip():
        from ..yamlsafe import parse_yaml

        data, _, problems = parse_yaml(f"v: {text}\n", "value")
        if not problems and data == {"v": text}:  # read back by pmodocs' own YAML 1.2 reader
            return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


@dataclass
class TextEdits:
    """Edits on one file's text, applied together from the end so spans stay valid."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def node_at(self, path: tuple[str, ...]) -> tuple[Any, Any]:
        """(key node, value node) of the value at `path` (mapping keys from the top)."""
        node = key = yaml.compose(self.text, Loader=yaml.SafeLoader)
        for part in path:
            key, node = mapping_entry(node, part)
        return key, node

    def replace(self, node: Any, value: Any) -> None:
        self.spans.append((node.start_mark.index, node.end_mark.index, scalar(value)))

    def remove_key(self, item: Any, key: str) -> None:
        for k, v in item.value:
            if k.value == key:
                start = self._line_start(k.start_mark.index)
                self.spans.append((start, self._line_end(_last(v).end_mark.index), ""))

    def add_key(self, item: Any, key: str, value: Any) -> None:
        at = self._line_end(_last(item).end_mark.index)
        indent = " " * item.start_mark.column
        self.spans.append((at, at, f"{indent}{key}: {scalar(value)}\n"))

    def remove_item(self, item: Any) -> None:
        start = self._line_start(item.start_mark.index)
        self.spans.append((start, self._line_end(_last(item).end_mark.index), ""))

    def append_items(self, seq: Any, key_column: int, items: list[dict[str, Any]]) -> None:
        if not items:
            return
        if seq.flow_style or not seq.value:  # `risks: []`: becomes a block list
            indent = " " * (key_column + 2)
            text = "".join(_item_text(indent, item) for item in items)
            start = seq.start_mark.index
            while start > 0 and self.text[start - 1] == " ":  # no space left after `key:`
                start -= 1
            self.spans.append((start, seq.end_mark.index, "\n" + text.rstrip("\n")))
            return
        first = seq.value[0]
        indent = " " * (first.start_mark.column - 2)
        at = self._line_end(_last(seq).end_mark.index)
        self.spans.append((at, at, "".join(_item_text(indent, item) for item in items)))

    def result(self) -> str:
        text = self.text
        for start, end, new in sorted(self.spans, key=lambda s: (s[0], s[1]), reverse=True):
            text = text[:start] + new + text[end:]
        return text

    def _line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def _line_end(self, index: int) -> int:
        """The index just after the newline ending the line that holds `index - 1`."""
        nl = self.text.find("\n", max(index - 1, 0))
        return len(self.text) if nl < 0 else nl + 1


def _item_text(indent: str, item: dict[str, Any]) -> str:
    lines = []
    for k, v in item.items():
        if isinstance(v, dict):
            lines.append(f"{k}:")
            lines += [f"  {kk}: {scalar(vv)}" for kk, vv in v.items()]
        elif v is not None:
            lines.append(f"{k}: {scalar(v)}")
    return "".join(f"{indent}{'- ' if i == 0 else '  '}{line}\n" for i, line in enumerate(lines))


def _last(node: Any) -> Any:
    """The last scalar inside `node`: where its text ends (a block node's own end mark may
    reach past trailing comments into the next item)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def mapping_entry(node: Any, key: str) -> tuple[Any, Any]:
    for k, v in node.value:
        if k.value == key:
            return k, v
    raise KeyError(key)


def entry_value(node: Any, key: str) -> Any:
    """The value node of `key` in a mapping node, or None."""
    try:
        return mapping_entry(node, key)[1]
    except (KeyError, AttributeError, TypeError):
        return None
