"""What the subcommands share: the parser class, one-line usage errors, and how a landscape, a point, a
hyperparameter, a schedule, a size or a scenario source is read from the command line."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence

from landscape_gui.core.limits import shorten

PROG = "landscape-gui"


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


#: A value that starts with a minus sign and a digit (``-1.5,2``, ``-2,2,-1,1``, ``-1e-3``) is a value, not an
#: option: argparse's own test accepts only a single negative number, so ``--start -1.5,2`` would fail.
_NEGATIVE_VALUE = re.compile(r"^-\.?\d")


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_VALUE  # argparse's hook for "looks like a negative number"

    def error(self, message: str):  # one line, not usage + message
        if message.endswith("expected one argument"):
            message += " (a value that starts with a minus sign can also be joined with '=': --start=-1.5,2)"
        raise UsageError(message)


def load_landscape(function: str | None, expr: str | None, domain: str | None = None):
    """The landscape named by ``--function`` or typed with ``--expr`` (exactly one of them)."""
    from landscape_gui.core.landscapes.library import get_landscape

    if (function is None) == (expr is None):
        raise UsageError("give exactly one of --function ID or --expr FORMULA")
    if function is not None:
        try:
            landscape = get_landscape(function)  # precompiled: no sympy
        except KeyError as e:
            raise UsageError(e.args[0]) from None
    else:
        assert expr is not None  # exactly one of the two (checked above)
        landscape = _formula_landscape(expr)
    return with_domain(landscape, domain)


def with_domain(landscape, domain: str | None):
    """``landscape`` over the ``--domain`` given (unchanged if None)."""
    if domain:
        from landscape_gui.core.landscapes.domain import DomainError

        want = "XMIN,XMAX" if landscape.dim == 1 else "XMIN,XMAX,YMIN,YMAX"
        try:
            bounds = [float(v) for v in domain.split(",")]
        except ValueError:
            bounds = []
        if len(bounds) != 2 * landscape.dim:
            raise UsageError(f"bad --domain {shorten(domain)!r}: expected {want} (numbers)")
        try:
            landscape = landscape.with_domain(list(zip(bounds[::2], bounds[1::2], strict=True)))
        except DomainError as e:
            raise UsageError(f"bad --domain {shorten(domain)!r}: {e}") from None
    return landscape


def _formula_landscape(expr: str):
    """A typed formula, built through the core's killable formula worker: the same check, and the same deadline,
    as a scenario file's ``expr`` gets (a formula that keeps sympy busy is refused, not waited for)."""
    from landscape_gui.core.landscapes.expressions import FormulaError
    from landscape_gui.core.landscapes.formula_worker import build_formula

    try:
        return build_formula(expr)
    except FormulaError as e:
        raise UsageError(f"bad formula {shorten(expr)!r}: {e}") from None


def parse_point(text: str, dim: int) -> list[float]:
    parts = text.split(",")
    try:
        point = [float(p) for p in parts]
    except ValueError:
        point = []
    if len(point) != dim or not all(math.isfinite(c) for c in point):
        want = "X" if dim == 1 else "X,Y"
        raise UsageError(
            f"malformed start {shorten(text)!r}: expected {want} with finite numbers (e.g. --start=-1.5,2)"
        )
    return point


def parse_settings(items: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if sep and name.strip() in out:
            raise UsageError(f"bad --set {shorten(item)!r}: {shorten(name.strip())!r} is given twice")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise UsageError(
                f"bad --set {shorten(item)!r}: expected NAME=VALUE with a number, e.g. --set lr=0.01"
            ) from None
    return out


def optimizer_from_args(optimizer_id: str, settings: Sequence[str]):
    """``--optimizer ID`` and its ``--set k=v`` items: the optimizer and its resolved hyperparameters."""
    from landscape_gui.core.optimizers.catalog import get_optimizer

    try:
        optimizer = get_optimizer(optimizer_id)
    except KeyError as e:
        raise UsageError(e.args[0]) from None
    try:
        return optimizer, optimizer.resolve(parse_settings(settings))
    except ValueError as e:
        raise UsageError(str(e)) from None


def parse_schedule_option(text: str | None):
    """``--schedule NAME:key=value,...`` as a Schedule (constant when not given)."""
    from landscape_gui.core.optimizers.schedules import CONSTANT, parse_schedule

    if text is None:
        return CONSTANT
    try:
        return parse_schedule(text)
    except ValueError as e:
        raise UsageError(f"bad --schedule {shorten(text)!r}: {e}") from None


def check_batch_size(batch_size: int | None, landscape) -> None:
    """``--batch-size``: only on a landscape made of data, 1 … its number of samples."""
    if batch_size is None:
        return
    from landscape_gui.core.landscapes.library import DATA_LANDSCAPE_IDS

    n = getattr(landscape, "n_samples", None)
    if n is None:
        raise UsageError(
            f"--batch-size needs a landscape made of data ({', '.join(DATA_LANDSCAPE_IDS)}); "
            f"{shorten(landscape.name)!r} is a formula"
        )
    if not 1 <= batch_size <= n:
        raise UsageError(f"--batch-size must be 1 … {n} (the samples of {landscape.id}), not {batch_size}")


def parse_size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().replace("×", "x").partition("x")
    if not sep or not w.strip().isdigit() or not h.strip().isdigit():
        raise UsageError(f"bad --size {shorten(text)!r}: expected WIDTHxHEIGHT in pixels, e.g. 1920x1080")
    return int(w), int(h)


def load_source(source: str):
    """The scenario of a file (``.toml``) or a preset id."""
    from pathlib import Path

    from landscape_gui.core.scenario.files import ScenarioError, load_scenario
    from landscape_gui.core.scenario.presets import load_preset

    try:
        if source.endswith(".toml") or Path(source).is_file():
            return load_scenario(source)
        return load_preset(source)
    except ScenarioError as e:
        raise UsageError(str(e)) from None
    except KeyError as e:
        raise UsageError(f"{e.args[0]}; or give a scenario file (.toml)") from None


def add_landscape_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--function", metavar="ID", help="built-in landscape id (see 'landscape-gui functions')")
    p.add_argument("--expr", metavar="FORMULA", help="custom formula in x (and y), e.g. 'x**2 - y**2'")
    p.add_argument("--domain", metavar="XMIN,XMAX[,YMIN,YMAX]", help="override the landscape's domain")


#: The gradient noise model, as `optimizers`, `trace --help` and the README tell it.
NOISE_MODEL = (
    "Gradient noise: a run's gradient is ∇J + σξ with ξ ~ N(0, I). Only sgd is noisy by default, through its\n"
    "own hyperparameter noise (σ = 1); every other optimizer has σ = 0. `trace --noise SIGMA` sets σ for the\n"
    "traced optimizer, whichever it is: for sgd it replaces its own noise (one σ, not two added up), so\n"
    "`--optimizer sgd --noise 0.1` runs with σ = 0.1. In the window and in scenario files, the run's\n"
    "'Gradient noise σ' adds to sgd's own: σ = √(noise² + sgd's noise²)."
)


def hyperparameter_json(h) -> dict:
    return {"name": h.name, "default": h.default, "min": h.low, "max": h.high, "log": h.log, "help": h.help}


def add_setting_options(parser, cls, names, *, exclusive: tuple[str, ...] = ()) -> None:
    """One option per declared setting of ``cls`` in ``names`` (its declared option, help, kind and default):
    the command line is generated from the same declarations as the file format and the window. Settings named
    in ``exclusive`` go into one mutually exclusive group."""
    from landscape_gui.core.scenario.declarations import setting_of

    group = parser.add_mutually_exclusive_group() if exclusive else None
    for name in names:
        s = setting_of(cls, name)
        default = getattr(cls(), name) if _constructible(cls) else None
        shown = s.kind.document(default)
        shown = ",".join(map(str, shown)) if isinstance(shown, list) else shown
        words = s.kind.words()
        fallback = f"; default: the scenario's, {shown} if it sets none" if shown not in (None, "") else ""
        target = group if group is not None and name in exclusive else parser
        target.add_argument(s.option, dest=name, metavar=name.upper(), help=f"{s.help} ({words}{fallback})")


def _constructible(cls) -> bool:
    try:
        cls()
    except TypeError:
        return False
    return True


def settings_from_args(args, cls, names) -> dict:
    """The values of the declared settings given on the command line (absent ones left out), each read and
    checked by its declaration; a refused value is a one-line usage error naming the option."""
    from landscape_gui.core.scenario.declarations import SettingError, from_text

    out = {}
    for name in names:
        text = getattr(args, name, None)
        if text is None:
            continue
        try:
            out[name] = from_text(cls, name, text)
        except SettingError as e:
            raise UsageError(str(e)) from None
    return out
