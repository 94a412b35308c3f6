"""How values are said back to the user: a TOML value as they wrote it, shortened; did-you-mean suggestions.

>>> show([1, 2.5, "a"])
'[1, 2.5, "a"]'
>>> suggest("colour", ("colormap", "theme"))
" (did you mean 'colormap'?)"
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any


def show(v: Any) -> str:
    """A value as the user wrote it in TOML, shortened, with its kind when the kind is the problem."""
    if isinstance(v, bool):
        text = "true" if v else "false"
    elif isinstance(v, str):
        text = '"' + v + '"'
    elif isinstance(v, float | int):
        text = repr(v)
    elif isinstance(v, list):
        text = "[" + ", ".join(show(x) for x in v) + "]"
    elif isinstance(v, dict):
        text = "{" + ", ".join(f"{k} = {show(x)}" for k, x in v.items()) + "}"
    else:
        text = str(v)
    return text if len(text) <= 60 else text[:57] + "…"


def kind_of(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a table"
    return "a date/time"


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


#: Words a person may use for a key, and the key they mean.
ALIASES = {"colour": "colormap", "color": "colormap", "cmap": "colormap", "colourmap": "colormap",
           "learning_rate": "lr", "sigma": "noise", "start": "starts", "iterations": "steps",
           "n_steps": "steps", "resolution": "size", "framerate": "fps", "formula": "expr"}  # fmt: skip


def suggest(name: str, known: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the known name closest to ``name``, or nothing."""
    alias = ALIASES.get(str(name).lower())
    if alias in known:
        return f" (did you mean '{alias}'?)"
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not close:
        close = [k for k in known if k.lower() == str(name).lower()]
    return f" (did you mean '{close[0]}'?)" if close else ""
