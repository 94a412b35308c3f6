"""Settings declared once: each field of a scenario's settings says its kind, default, range or choices, label and
help, and everything else is generated from that declaration: the TOML reader and writer, the checks the window
and the command line apply, the command-line options and the window's and the export dialog's widgets.

A declared field is an ordinary dataclass field whose metadata holds a :class:`Setting`::

    @dataclass(frozen=True)
    class BasinSettings:
        grid: int = declare(200, Int(2, 1000), "Starts per axis of the grid", label="Grid")

A kind checks a value and says in words what it expects; the message is what a file, the command line and the
window all show:

>>> Int(1, 120).check(0)
Traceback (most recent call last):
ValueError: expected an integer in 1 … 120, got 0
>>> Float(0.0, 1e6).check(-1)
Traceback (most recent call last):
ValueError: expected a number in 0 … 1e+06, got -1
>>> Choice(("3d", "map")).check("mapp")
Traceback (most recent call last):
ValueError: unknown value "mapp" (did you mean 'map'?) (known: 3d, map)
>>> Size(16, 7680).parse("1920x1080")
(1920, 1080)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from landscape_gui.core.scenario.words import is_number, show, suggest

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_D = TypeVar("_D", bound="DataclassInstance")

__all__ = [
    "AutoBool",
    "Bool",
    "Choice",
    "Float",
    "Int",
    "Kind",
    "Names",
    "Optional",
    "Setting",
    "SettingError",
    "Size",
    "Text",
    "check_changes",
    "check_declared",
    "declare",
    "declared",
    "defaults",
    "from_text",
    "setting_of",
    "to_document",
]


class SettingError(ValueError):
    """A value a declaration refuses; ``str(error)`` names the setting: ``fps: expected an integer in 1 … 120``.

    ``name`` is the setting's name, ``message`` the reason alone (a file reader puts its own prefix before it).
    """

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


# -- kinds ------------------------------------------------------------------------------------------------
class Kind:
    """What values a setting takes. ``check`` returns the value in its canonical type or raises ``ValueError``
    with the reason in words; ``parse`` reads the value from command-line text; ``document`` is its TOML form."""

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def parse(self, text: str) -> Any:
        return self.check(text)

    def document(self, value: Any) -> Any:
        return value

    def words(self) -> str:
        """What the command line's help says it takes."""
        return ""


@dataclass(frozen=True)
class Int(Kind):
    low: int
    high: int
    what: str = "an integer"

    def check(self, value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not self.low <= value <= self.high:
            raise ValueError(f"expected {self.what} {self.words()}, got {show(value)}")
        return int(value)

    def parse(self, text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise ValueError(f"expected {self.what} {self.words()}, got {text!r}") from None
        return self.check(value)

    def words(self) -> str:
        return f"≥ {self.low}" if self.high >= 2**62 else f"in {self.low} … {self.high}"


@dataclass(frozen=True)
class Float(Kind):
    low: float = -math.inf
    high: float = math.inf
    open_low: bool = False
    #: Widgets step multiplicatively (learning rates, tolerances).
    log: bool = False

    def check(self, value: Any) -> float:
        ok = is_number(value) and math.isfinite(value)
        ok = ok and (self.low < value if self.open_low else self.low <= value) and value <= self.high
        if not ok:
            raise ValueError(f"expected {self.words()}, got {show(value)}")
        return float(value)

    def parse(self, text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"expected {self.words()}, got {text!r}") from None
        return self.check(value)

    def words(self) -> str:
        if self.low == -math.inf and self.high == math.inf:
            return "a finite number"
        if self.high == math.inf:
            return f"a number {'>' if self.open_low else '≥'} {self.low:g}"
        return f"a number in {self.low:g} … {self.high:g}"


@dataclass(frozen=True)
class Bool(Kind):
    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {show(value)}")
        return value

    def parse(self, text: str) -> bool:
        words = {
            "true": True,
            "yes": True,
            "on": True,
            "1": True,
            "false": False,
            "no": False,
            "off": False,
            "0": False,
        }
        if text.strip().lower() not in words:
            raise ValueError(f"expected true or false, got {text!r}")
        return words[text.strip().lower()]

    def words(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class AutoBool(Kind):
    """True, False or automatic (None; ``"auto"`` in a file and on the command line)."""

    def check(self, value: Any) -> bool | None:
        if value is None or value == "auto":
            return None
        if not isinstance(value, bool):
            raise ValueError(f'expected true, false or "auto", got {show(value)}')
        return value

    def parse(self, text: str) -> bool | None:
        return None if text.strip().lower() == "auto" else Bool().parse(text)

    def document(self, value: Any) -> Any:
        return "auto" if value is None else value

    def words(self) -> str:
        return "true, false or auto"


@dataclass(frozen=True)
class Choice(Kind):
    choices: tuple[str, ...]

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {show(value)}")
        if value not in self.choices:
            raise ValueError(
                f"unknown value {show(value)}{suggest(value, self.choices)} (known: {', '.join(self.choices)})"
            )
        return value

    def words(self) -> str:
        return ", ".join(self.choices)


@dataclass(frozen=True)
class Names(Kind):
    """Some names of ``choices``, each once, in the order given (a comma-separated list on the command line)."""

    choices: tuple[str, ...]
    what: str = "name"

    def check(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list | tuple) or not all(isinstance(o, str) for o in value):
            raise ValueError(f"expected a list of names from {', '.join(self.choices)}, got {show(value)}")
        for o in value:
            if o not in self.choices:
                raise ValueError(
                    f"unknown {self.what} {show(o)}{suggest(o, self.choices)} (known: {', '.join(self.choices)})"
                )
        return tuple(dict.fromkeys(value))

    def parse(self, text: str) -> tuple[str, ...]:
        return self.check([t.strip() for t in text.split(",") if t.strip()])

    def document(self, value: Any) -> Any:
        return list(value)

    def words(self) -> str:
        return "comma-separated names from " + ", ".join(self.choices)


@dataclass(frozen=True)
class Size(Kind):
    """A frame size in pixels, ``[width, height]`` (``WIDTHxHEIGHT`` on the command line)."""

    low: int
    high: int

    def check(self, value: Any) -> tuple[int, int]:
        ok = isinstance(value, list | tuple) and len(value) == 2
        ok = ok and all(
            isinstance(s, int) and not isinstance(s, bool) and self.low <= s <= self.high for s in value
        )
        if not ok:
            raise ValueError(
                f"expected [width, height] in pixels, each {self.low} … {self.high}, got {show(list(value) if isinstance(value, tuple) else value)}"
            )
        return (int(value[0]), int(value[1]))

    def parse(self, text: str) -> tuple[int, int]:
        w, sep, h = text.lower().replace("×", "x").partition("x")
        if not sep or not w.strip().isdigit() or not h.strip().isdigit():
            raise ValueError(f"expected WIDTHxHEIGHT in pixels, e.g. 1920x1080, got {text!r}")
        try:
            return self.check((int(w), int(h)))
        except ValueError:
            raise ValueError(
                f"{text}: width and height must each be {self.low} … {self.high} pixels"
            ) from None

    def document(self, value: Any) -> Any:
        return list(value)

    def words(self) -> str:
        return f"WIDTHxHEIGHT, each {self.low} … {self.high} pixels"


@dataclass(frozen=True)
class Text(Kind):
    """A string of at most ``max_length`` characters."""

    max_length: int

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {show(value)}")
        if len(value) > self.max_length:
            raise ValueError(f"is {len(value)} characters long; at most {self.max_length}")
        return value

    def words(self) -> str:
        return f"text, at most {self.max_length} characters"


@dataclass(frozen=True)
class Optional(Kind):
    """``kind`` or None (None: absent from the file, "not set")."""

    kind: Kind

    def check(self, value: Any) -> Any:
        return None if value is None else self.kind.check(value)

    def parse(self, text: str) -> Any:
        return self.kind.parse(text)

    def document(self, value: Any) -> Any:
        return None if value is None else self.kind.document(value)

    def words(self) -> str:
        return self.kind.words()


# -- declarations -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Setting:
    """A declared setting: its kind, what it means (``help``: tooltips, ``--help``, the README), its label on a
    widget, and the command-line option that sets it (empty: none)."""

    kind: Kind
    help: str
    label: str
    option: str = ""
    #: The TOML table a field of the scenario itself lives in ("run"; "" for the top level).
    section: str = ""


def declare(default: Any, kind: Kind, help: str, *, label: str, option: str = "", section: str = "") -> Any:
    """A dataclass field holding a declared setting (``option``: e.g. ``"--fps"``)."""
    return field(default=default, metadata={"setting": Setting(kind, help, label, option, section)})


def declared(cls_or_obj: DataclassInstance | type[DataclassInstance]) -> Iterator[tuple[str, Setting, Any]]:
    """``(name, setting, default)`` of every declared field, in declaration order."""
    for f in dataclasses.fields(cls_or_obj):
        s = f.metadata.get("setting")
        if s is not None:
            yield f.name, s, f.default


def setting_of(cls_or_obj: DataclassInstance | type[DataclassInstance], name: str) -> Setting:
    """The declaration of one field (``KeyError`` when it declares none)."""
    for n, s, _ in declared(cls_or_obj):
        if n == name:
            return s
    raise KeyError(
        f"{name}: not a declared setting of {getattr(cls_or_obj, '__name__', type(cls_or_obj).__name__)}"
    )


def defaults(cls: type[DataclassInstance]) -> dict[str, Any]:
    """Every declared setting's default."""
    return {name: default for name, _, default in declared(cls)}


def check_changes(obj: _D, **changes: Any) -> _D:
    """``obj`` with ``changes`` applied; :class:`SettingError` naming the setting when one is not declared or its
    value is refused (the class's ``__post_init__`` checks each value and what involves several)."""
    for name in changes:
        try:
            setting_of(obj, name)
        except KeyError as e:
            raise SettingError(name, e.args[0].partition(": ")[2]) from None
    return dataclasses.replace(obj, **changes)


def check_declared(obj: DataclassInstance) -> None:
    """Check every declared field of ``obj`` and store its canonical value (call it from ``__post_init__`` of a
    frozen dataclass): a settings object that exists is valid, however it was made."""
    for name, setting, _ in declared(obj):
        try:
            value = setting.kind.check(getattr(obj, name))
        except ValueError as e:
            raise SettingError(name, str(e)) from None
        object.__setattr__(obj, name, value)


def from_text(cls_or_obj: DataclassInstance | type[DataclassInstance], name: str, text: str) -> Any:
    """The value of setting ``name`` read from command-line text (:class:`SettingError` naming it otherwise)."""
    setting = setting_of(cls_or_obj, name)
    try:
        return setting.kind.parse(text)
    except ValueError as e:
        raise SettingError(f"{setting.option or name} {text}", str(e)) from None


def to_document(obj: DataclassInstance, *, changed_only: bool = False) -> dict[str, Any]:
    """The TOML table of a settings object: every declared setting that is set (None is left out); with
    ``changed_only``, only those that differ from their declared default (a file a person reads stays short)."""
    out = {}
    for name, setting, default in declared(obj):
        value = getattr(obj, name)
        if changed_only and value == default:
            continue
        value = setting.kind.document(value)
        if value is not None:
            out[name] = value
    return out
