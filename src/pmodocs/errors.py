"""One base class for every expected failure; each carries its exit code and a fix."""

from __future__ import annotations

import re
from dataclasses import dataclass

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_TOOL_MISSING = 3
EXIT_RENDER = 4
EXIT_BUSY = 5
EXIT_SIGNING = 6
EXIT_VERIFY = 7
EXIT_SYSTEM = 8
EXIT_INTERNAL = 70


_UNSAFE_ON_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029"
                                 "\ud800-\udfff]")


def terminal_safe(text: str) -> str:
    """`text` with every character a terminal would act on (escape sequences, carriage returns,
    bidirectional overrides) shown as a visible escape such as \\x1b: file names and unknown
    keys are echoed from the content, and must not clear a screen or make a hyperlink."""
    return _UNSAFE_ON_TERMINAL.sub(lambda m: (f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                              else f"\\u{ord(m.group()):04x}"), text)


class PmodocsError(Exception):
    """An expected failure: the CLI prints it without a traceback and exits with `exit_code`."""

    exit_code = EXIT_CONTENT

    def lines(self) -> list[str]:
        """What the CLI prints, one line each."""
        return [f"pmodocs: {terminal_safe(line)}" for line in str(self).splitlines()]


@dataclass(frozen=True, order=True)
class Problem:
    """One content problem, printed as `FILE:LINE: field.path: what is wrong (what was expected)`."""

    file: str
    line: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return terminal_safe(f"{where}:{field} {self.message}")


class ContentError(PmodocsError):
    """Every problem found in the content, reported at once."""

    exit_code = EXIT_CONTENT

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the content")

    def lines(self) -> list[str]:
        count = len(self.problems)
        return [str(p) for p in self.problems] + [
            f"pmodocs: {count} problem{'s' if count != 1 else ''} found; nothing was written."
        ]


class UsageError(PmodocsError):
    exit_code = EXIT_USAGE


class ToolMissing(PmodocsError):
    """An external tool (typst, mkdocs) is not installed."""

    exit_code = EXIT_TOOL_MISSING


class RenderError(PmodocsError):
    """A template or engine failed: names the template or the engine and its own message."""

    exit_code = EXIT_RENDER


class BuildBusy(PmodocsError):
    exit_code = EXIT_BUSY


class SigningError(PmodocsError):
    """The signing certificate cannot be used (missing, wrong passphrase, no key, expired)."""

    exit_code = EXIT_SIGNING


class VerifyFailed(PmodocsError):
    """`pmodocs verify` found a mismatch: each line names the file and the reason."""

    exit_code = EXIT_VERIFY

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems + ["verification failed"]))
