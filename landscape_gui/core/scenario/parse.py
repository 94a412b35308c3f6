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

import math
import re
import tomllib
from typing import Any

from landscape_gui.core.scenario.declarations import Bool, Choice, Float, Int, Kind
from landscape_gui.core.scenario.words import is_number, kind_of, show, suggest


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


class Ctx:
    """Where errors come from: the source name and text."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source

    def fail(self, path: tuple, what: str, msg: str) -> ScenarioError:
        line = find_line(self.text, path) if path else None
        where = f"{self.source} line {line}" if line else self.source
        return ScenarioError(f"{where}: {what}: {msg}" if what else f"{where}: {msg}")


class Table:
    """One TOML table being read: every key must be taken, the rest are unknown keys."""

    def __init__(self, ctx: Ctx, data: Any, path: tuple, name: str, known=None) -> None:
        self.ctx, self.path, self.name = ctx, path, name
        if not isinstance(data, dict):
            raise ctx.fail(path, name or path[-1], f"expected a table, got {show(data)} ({kind_of(data)})")
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

    def value(self, key: str, kind: Kind, default: Any = None) -> Any:
        """The value of ``key`` checked by ``kind`` (``default`` when absent)."""
        v = self.raw(key, default)
        if v is None:
            return None
        try:
            return kind.check(v)
        except ValueError as e:
            raise self.fail(key, str(e)) from None

    def str(
        self, key: str, default: str | None = None, *, choices=None, required: bool = False
    ) -> str | None:
        self.taken.add(key)
        if key not in self.data:
            if required:
                raise self.ctx.fail(self.path, self.name, f"missing key '{key}'")
            return default
        v = self.raw(key)
        if not isinstance(v, str):
            raise self.fail(key, f"expected a string, got {show(v)} ({kind_of(v)})")
        return self.value(key, Choice(tuple(choices))) if choices is not None else v

    def bool(self, key: str, default: bool) -> bool:
        return self.value(key, Bool(), default)

    def int(self, key: str, default: int | None, lo: int, hi: int, what: str = "an integer") -> int | None:
        return self.value(key, Int(lo, hi, what), default)

    def float(
        self,
        key: str,
        default: float | None,
        lo: float = -math.inf,
        hi: float = math.inf,
        *,
        open_lo: bool = False,
    ):
        return self.value(key, Float(lo, hi, open_low=open_lo), default)

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
