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

import builtins  # Table's methods str/int/float/bool shadow the builtins in its annotations
import math
import re
import tomllib
from collections.abc import Collection, Iterable
from typing import Any, Literal, overload

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


KeyPath = tuple[str | int, ...]
"""Where a value sits in the TOML document: ``("optimizers", 1, "lr")``."""


def _split_key(key: str) -> tuple[str, ...]:
    parts = re.findall(r"""[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'""", key)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def find_line(text: str, path: KeyPath) -> int | None:
    """Line (1-based) where the field at ``path`` is set, e.g. ``("optimizers", 1, "lr")``, else its table's."""
    header: KeyPath = ()
    cand: KeyPath
    counts: dict[KeyPath, int] = {}
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

    def fail(self, path: KeyPath, what: str | int, msg: str) -> ScenarioError:
        line = find_line(self.text, path) if path else None
        where = f"{self.source} line {line}" if line else self.source
        return ScenarioError(f"{where}: {what}: {msg}" if what else f"{where}: {msg}")


class Table:
    """One TOML table being read: every key must be taken, the rest are unknown keys."""

    def __init__(
        self, ctx: Ctx, data: Any, path: KeyPath, name: str, known: Collection[str] | None = None
    ) -> None:
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

    @overload
    def str(
        self, key: str, default: str, *, choices: Iterable[str] | None = None, required: bool = False
    ) -> str: ...

    @overload
    def str(
        self,
        key: builtins.str,
        default: None = None,
        *,
        choices: Iterable[builtins.str] | None = None,
        required: Literal[True],
    ) -> builtins.str: ...

    @overload
    def str(
        self,
        key: builtins.str,
        default: builtins.str | None = None,
        *,
        choices: Iterable[builtins.str] | None = None,
        required: builtins.bool = False,
    ) -> builtins.str | None: ...

    def str(
        self,
        key: builtins.str,
        default: builtins.str | None = None,
        *,
        choices: Iterable[builtins.str] | None = None,
        required: builtins.bool = False,
    ) -> builtins.str | None:
        self.taken.add(key)
        if key not in self.data:
            if required:
                raise self.ctx.fail(self.path, self.name, f"missing key '{key}'")
            return default
        v = self.raw(key)
        if not isinstance(v, str):
            raise self.fail(key, f"expected a string, got {show(v)} ({kind_of(v)})")
        return self.value(key, Choice(tuple(choices))) if choices is not None else v

    def bool(self, key: builtins.str, default: builtins.bool) -> builtins.bool:
        b: builtins.bool = self.value(key, Bool(), default)
        return b

    def int(
        self,
        key: builtins.str,
        default: builtins.int | None,
        lo: builtins.int,
        hi: builtins.int,
        what: builtins.str = "an integer",
    ) -> builtins.int | None:
        i: builtins.int | None = self.value(key, Int(lo, hi, what), default)
        return i

    def float(
        self,
        key: builtins.str,
        default: builtins.float | None,
        lo: builtins.float = -math.inf,
        hi: builtins.float = math.inf,
        *,
        open_lo: builtins.bool = False,
    ) -> builtins.float | None:
        x: builtins.float | None = self.value(key, Float(lo, hi, open_low=open_lo), default)
        return x

    def numbers(
        self, key: builtins.str, n: builtins.int, v: Any = None, what: builtins.str | None = None
    ) -> tuple[builtins.float, ...]:
        """A list of ``n`` finite numbers."""
        v = self.raw(key) if v is None else v
        if not (isinstance(v, list) and len(v) == n and all(is_number(x) and math.isfinite(x) for x in v)):
            raise self.fail(key, f"expected {what or f'a list of {n} finite numbers'}, got {show(v)}")
        return tuple(float(x) for x in v)

    def done(self, known: Collection[builtins.str] | None = None) -> None:
        """Refuse keys nobody took."""
        for key in self.data:
            if key not in self.taken:
                known = sorted(self.taken) if known is None else known
                where = f" in {self.name}" if self.name else " at the top level"
                raise self.ctx.fail((*self.path, key), "", f"unknown key '{key}'{where}{suggest(key, known)}")
