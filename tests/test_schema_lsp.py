"""The schemas as an editor uses them: yaml-language-server (VS Code's YAML extension) headless."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLE, require_tool


class LanguageServer:
    """A minimal LSP client over stdio: enough to open a file and read diagnostics and hovers."""

    def __init__(self, command: list[str], root: Path):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.notifications: list[dict[str, Any]] = []
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {
            "textDocument": {"hover": {"contentFormat": ["plaintext", "markdown"]},
                             "publishDiagnostics": {}},
            "workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings()})

    @staticmethod
    def settings() -> dict[str, Any]:
        return {"yaml": {"validate": True, "hover": True, "completion": True, "schemas": {},
                         "schemaStore": {"enable": False}}}

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def read(self) -> dict[str, Any]:
        length = 0
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the language server stopped")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        message = json.loads(self.proc.stdout.read(length))
        if "id" in message and "method" in message:  # a request from the server
            result = [self.settings()["yaml"]] * len(message["params"].get("items", [])) \
                if message["method"] == "workspace/configuration" else None
            self.send({"id": message["id"], "result": result})
        return message

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        my_id = self.next_id
        self.send({"id": my_id, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == my_id and "method" not in message:
                return message.get("result")
            if "method" in message and "id" not in message:
                self.notifications.append(message)

    def diagnostics(self, uri: str, timeout: float = 30) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for n in self.notifications:
                if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri \
                        and n["params"]["diagnostics"]:
                    return n["params"]["diagnostics"]
            message = self.read()
            if "method" in message and "id" not in message:
                self.notifications.append(message)
        return []

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def server(tmp_path):
    exe = require_tool("yaml-language-server", "the YAML language server behind VS Code's YAML "
                       "extension; `npm install -g yaml-language-server`")
    ls = LanguageServer([exe, "--stdio"], tmp_path)
    yield ls
    ls.close()


def test_the_editor_reports_a_misspelt_key_and_shows_field_help(server, tmp_path):
    # the file sits where the example's own files do, so its $schema line resolves the same way
    source = (EXAMPLE / "deliverables/risk.yaml").read_text(encoding="utf-8")
    lines = source.splitlines()
    target = next(i for i, line in enumerate(lines) if line.strip() == "owner: samuel-osei")
    lines[target] = lines[target].replace("owner:", "ownr:")
    doc = EXAMPLE / "deliverables" / "_lsp_probe.yaml"  # never written: the editor sends the text
    uri = doc.as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": "\n".join(lines) + "\n"}})
    found = server.diagnostics(uri)
    on_line = [d for d in found if d["range"]["start"]["line"] == target]
    assert on_line, found
    assert any("ownr" in d["message"] for d in on_line), on_line
    # and the missing required `owner` is reported on the same risk
    assert any("owner" in d["message"] for d in found if "ownr" not in d["message"]), found
    # hovering a key shows the field's description from the schema
    schema = json.loads((EXAMPLE.parent / "schemas/risk.schema.json").read_text(encoding="utf-8"))
    description = schema["definitions"]["Risk"]["properties"]["probability"]["description"]
    line = next(i for i, text in enumerate(lines) if text.strip().startswith("probability:")
                and i > target - 6)
    hover = server.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": line, "character": 6}})
    shown = re.sub(r"\\(.)", r"\1", hover["contents"]["value"])  # undo Markdown escapes
    assert description in shown, hover
