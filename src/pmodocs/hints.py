"""The one "did you mean" hint of every message that names something unknown."""

from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(given: str, choices: Iterable[str], expected: str | None = None) -> str:
    """"did you mean 'x'?" naming the choice closest to `given`; when none is close, `expected`
    (what a right value looks like), else "expected one of: a, b, c" in the choices' order."""
    names = list(choices)
    guess = difflib.get_close_matches(given, names, n=1)
    if guess:
        return f"did you mean '{guess[0]}'?"
    return expected or "expected one of: " + ", ".join(names)
