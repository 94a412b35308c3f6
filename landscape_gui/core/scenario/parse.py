"""Validation of a scenario's TOML document, with one-line errors that name the field and its line.

:func:`parse_scenario` turns the dict :mod:`tomllib` read into a
:class:`~landscape_gui.core.scenario.files.Scenario` or raises :class:`ScenarioError`, e.g.::

    scenario.toml line 9: [run] steps: expected an integer ≥ 0, got -5
    scenario.toml line 4: [[optimizers]] #2 id: unknown optimizer 'adamm' (known: gd, sgd, ...)
    scenario.toml line 14: unknown key 'colour' in [view] (did you mean 'colormap'?)
    scenario.toml line 7: syntax error: Expected '=' after a key in a key/value pair

:mod:`tomllib` only reports lines for syntax errors; for the others the line is found by scanning the text
for the table header and key (:func:`find_line`), which covers every file written in the usual layout.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from typing import Any

MAX_STARTS = 10_000
MAX_STEPS = 1_000_000
MAX_SIDE = 7680
MAX_FRAMES = 100_000


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str(error)`` is one line naming the file, line and field."""

    @classmethod
    def from_toml(cls, e: tomllib.TOMLDecodeError, source: str) -> ScenarioError:
        msg = str(e).splitlines()[0]
        m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", msg)
        if m:
            return cls(f"{source} line {m.group(1)}: syntax error: {msg[: m.start()]} (column {m.group(2)})")
        return cls(f"{source}: syntax error: {msg}")


# -- locating a field in the text --------------------------------------------------------------------------
_ARRAY_HEADER = re.compile(r"^\[\[\s*([^\]]+?)\s*\]\]")
_HEADER = re.compile(r"^\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(
    r"""^((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _split_key(key: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'""", key)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def find_line(text: str, path: tuple) -> int | None:
    """Line (1-based) where the field at ``path`` is set, e.g. ``("optimizers", 1, "lr")``, else its table's."""
    header: tuple = ()
    counts: dict[tuple, int] = {}
    best, best_len = None, 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if m := _ARRAY_HEADER.match(line):
            base = _split_key(m.group(1))
            counts[base] = counts.get(base, -1) + 1
            header = cand = (*base, counts[base])
        elif m := _HEADER.match(line):
            header = cand = _split_key(m.group(1))
        elif m := _KEY.match(line):
            cand = (*header, *_split_key(m.group(1)))
        else:
            continue
        if len(cand) > best_len and tuple(path[: len(cand)]) == cand:
            best, best_len = lineno, len(cand)
    return best


# -- values ------------------------------------------------------------------------------------------------
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


def _kind(v: Any) -> str:
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


def suggest(name: str, known) -> str:
    """`` (did you mean 'x'?)`` for the known name closest to ``name``, or nothing."""
    alias = ALIASES.get(str(name).lower())
    if alias in known:
        return f" (did you mean '{alias}'?)"
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not close:
        close = [k for k in known if k.lower() == str(name).lower()]
    return f" (did you mean '{close[0]}'?)" if close else ""


class Ctx:
    """Where errors come from: the source name and text."""

    def __init__(self, text: str, source: str):
        self.text = text
        self.source = source

    def fail(self, path: tuple, what: str, msg: str) -> ScenarioError:
        line = find_line(self.text, path) if path else None
        where = f"{self.source} line {line}" if line else self.source
        return ScenarioError(f"{where}: {what}: {msg}" if what else f"{where}: {msg}")


class Table:
    """One TOML table being read: every key must be taken, the rest are unknown keys."""

    def __init__(self, ctx: Ctx, data: Any, path: tuple, name: str, known=None):
        self.ctx, self.path, self.name = ctx, path, name
        if not isinstance(data, dict):
            raise ctx.fail(path, name or path[-1], f"expected a table, got {show(data)} ({_kind(data)})")
        self.data = data
        self.taken: set[str] = set()
        if known is not None:  # a misspelt key is reported before the key it hides goes missing
            self.taken.update(known)
            self.done(known)
            self.taken.clear()

    def fail(self, key: str, msg: str) -> ScenarioError:
        return self.ctx.fail((*self.path, key), f"{self.name} {key}".strip(), msg)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = None) -> Any:
        self.taken.add(key)
        return self.data.get(key, default)

    def str(self, key: str, default: str | None = None, *, choices=None, required=False) -> str | None:
        self.taken.add(key)
        if key not in self.data:
            if required:
                raise self.ctx.fail(self.path, self.name, f"missing key '{key}'")
            return default
        v = self.raw(key)
        if not isinstance(v, str):
            raise self.fail(key, f"expected a string, got {show(v)} ({_kind(v)})")
        if choices is not None and v not in choices:
            raise self.fail(
                key, f"unknown value {show(v)}{suggest(v, choices)} (known: {', '.join(choices)})"
            )
        return v

    def bool(self, key: str, default: bool) -> bool:
        v = self.raw(key, default)
        if not isinstance(v, bool):
            raise self.fail(key, f"expected true or false, got {show(v)}")
        return v

    def int(self, key: str, default: int | None, lo: int, hi: int, what: str = "an integer") -> int | None:
        v = self.raw(key, default)
        if v is None:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            bound = f"≥ {lo}" if hi >= 2**62 else f"in {lo} … {hi}"
            raise self.fail(key, f"expected {what} {bound}, got {show(v)}")
        return v

    def float(
        self, key: str, default: float | None, lo: float = -math.inf, hi: float = math.inf, *, open_lo=False
    ):
        v = self.raw(key, default)
        if v is None:
            return None
        ok = is_number(v) and math.isfinite(v) and (lo < v if open_lo else lo <= v) and v <= hi
        if not ok:
            if lo == -math.inf and hi == math.inf:
                bound = "a finite number"
            elif hi == math.inf:
                bound = f"a number {'>' if open_lo else '≥'} {lo:g}"
            else:
                bound = f"a number in {lo:g} … {hi:g}"
            raise self.fail(key, f"expected {bound}, got {show(v)}")
        return float(v)

    def numbers(self, key: str, n: int, v: Any = None, what: str | None = None) -> tuple[float, ...]:
        """A list of ``n`` finite numbers."""
        v = self.raw(key) if v is None else v
        if not (isinstance(v, list) and len(v) == n and all(is_number(x) and math.isfinite(x) for x in v)):
            raise self.fail(key, f"expected {what or f'a list of {n} finite numbers'}, got {show(v)}")
        return tuple(float(x) for x in v)

    def done(self, known=None) -> None:
        """Refuse keys nobody took."""
        for key in self.data:
            if key not in self.taken:
                known = sorted(self.taken) if known is None else known
                where = f" in {self.name}" if self.name else " at the top level"
                raise self.ctx.fail((*self.path, key), "", f"unknown key '{key}'{where}{suggest(key, known)}")
