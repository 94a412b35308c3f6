"""The sections of a scenario file, read and checked one by one (see :mod:`landscape_gui.core.scenario.files`).

The declared settings (:mod:`~landscape_gui.core.scenario.declarations`) are read generically, by
:func:`read_declared`: a key is known because a field declares it, and its value is checked by that
declaration, with the same message the window and the command line give. What depends on the landscape
(start points, batch size) and the tables of ids (landscape, optimizers, schedules) are read here by hand.

The optional analysis sections::

    [basins]            # show the basins of attraction of the scenario's optimizers
    grid = 200          # starts per axis (2 … 1000)
    tol = 0.001         # an end point within tol of a critical point has reached it

    [restarts]          # random restarts: n starts uniform over the domain, from [run] seed, [run] steps long
    n = 1000
    tol = 0.001
    max_k = 300         # the success curve P(≥ 1 of k restarts reaches the global minimum) for k = 1 … max_k
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, TypeVar

from landscape_gui.core.landscapes.domain import AXES, DomainError, check_interval
from landscape_gui.core.scenario.declarations import SettingError, declared
from landscape_gui.core.scenario.model import (
    FORMAT_VERSION,
    MAX_STARTS,
    BasinSettings,
    Camera,
    ExportSettings,
    LandscapeSpec,
    OptimizerSpec,
    RestartSettings,
    Scenario,
    TrainingSettings,
    ViewSettings,
)
from landscape_gui.core.scenario.parse import Ctx, KeyPath, Table
from landscape_gui.core.scenario.words import is_number, show, suggest

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from landscape_gui.core.landscapes.landscape import Landscape
    from landscape_gui.core.optimizers.schedules import Schedule

_D = TypeVar("_D", bound="DataclassInstance")

SECTIONS = (
    "version", "title", "description", "landscape", "optimizers", "run", "view", "export", "basins", "restarts",
    "training",
)  # fmt: skip
#: Keys of [run] that are not declared settings of the scenario (they depend on the landscape).
RUN_EXTRA = ("starts", "batch_size")


def scenario_keys(section: str) -> tuple[str, ...]:
    """The declared settings of the scenario itself that live in ``section`` ("run", or "" for the top level)."""
    return tuple(name for name, s, _ in declared(Scenario) if s.section == section)


def read_declared(t: Table, cls: type[_D], names: Collection[str] | None = None, **fixed: Any) -> _D:
    """An instance of settings class ``cls`` from table ``t``: each declared key present is taken and checked by
    its declaration (the rest keep their defaults); ``fixed`` are values read otherwise (a nested table)."""
    values: dict[str, Any] = {}
    for name, _, _ in declared(cls):
        if (names is None or name in names) and t.has(name):
            values[name] = t.raw(name)
    try:
        return cls(**values, **fixed)
    except SettingError as e:
        raise t.fail(e.name if e.name in t.data else next(iter(values), e.name), e.message) from None


def parse_scenario(data: dict[str, Any], text: str, source: str) -> Scenario:
    """Validate a TOML document (``tomllib`` output) and build the Scenario; see :mod:`landscape_gui.core.scenario.files`."""
    return parse_document(Ctx(text, source), data)


def parse_document(ctx: Ctx, data: dict[str, Any]) -> Scenario:
    top = Table(ctx, data, (), "", SECTIONS)
    version = top.raw("version", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise top.fail(
            "version",
            f"this file is format version {show(version)}; this program reads version {FORMAT_VERSION}",
        )
    if not top.has("landscape"):
        raise ctx.fail((), "", 'missing section [landscape] (function = "ID" or expr = "FORMULA")')
    landscape_spec, landscape = _landscape(ctx, top.raw("landscape"))
    if not top.has("optimizers"):
        raise ctx.fail((), "", 'missing section [[optimizers]] (at least one, e.g. id = "gd")')
    optimizers = _optimizers(ctx, top.raw("optimizers"))
    if not top.has("run"):
        raise ctx.fail((), "", "missing section [run] (starts = [...] at least)")
    run_table = Table(ctx, top.raw("run"), ("run",), "[run]", scenario_keys("run") + RUN_EXTRA)
    starts, batch_size = _run(ctx, run_table, landscape)
    view = _view(ctx, top.raw("view", {}))
    export = read_section(ctx, top.raw("export", {}), "export", ExportSettings)
    basins = read_section(ctx, top.raw("basins"), "basins", BasinSettings) if top.has("basins") else None
    restarts = (
        read_section(ctx, top.raw("restarts"), "restarts", RestartSettings) if top.has("restarts") else None
    )
    training = (
        read_section(ctx, top.raw("training"), "training", TrainingSettings) if top.has("training") else None
    )
    base = Scenario(
        landscape=landscape_spec, optimizers=optimizers, starts=starts, batch_size=batch_size, view=view,
        export=export, basins=basins, restarts=restarts, training=training,
    )  # fmt: skip
    scenario = read_declared(top, type(base), scenario_keys(""), **_structure(base))
    scenario = read_declared(
        run_table, Scenario, scenario_keys("run"), **_structure(scenario, "title", "description")
    )
    run_table.done()
    top.done(SECTIONS)
    try:
        export.for_steps(scenario.steps)
    except SettingError as e:
        t = Table(ctx, top.raw("export", {}), ("export",), "[export]")
        key = "steps_per_frame" if export.steps_per_frame is not None else "duration"
        raise t.fail(key, e.message) from None
    return scenario


def _structure(s: Scenario, *also: str) -> dict[str, Any]:
    """The fields of ``s`` that are not declared settings (plus ``also``), to build a scenario around them."""
    keep = {n for n, _, _ in declared(Scenario)} - set(also)
    return {f: getattr(s, f) for f in s.__dataclass_fields__ if f not in keep}


def read_section(ctx: Ctx, data: Any, key: str, cls: type[_D]) -> _D:
    """A whole table of declared settings, ``[key]``: unknown keys refused with a did-you-mean."""
    names = tuple(n for n, _, _ in declared(cls))
    t = Table(ctx, data, (key,), f"[{key}]", names)
    if t.has("duration") and t.has("steps_per_frame"):  # the clip's length is said one way
        raise t.fail("steps_per_frame", "give duration or steps_per_frame, not both")
    out = read_declared(t, cls)
    t.done(names)
    return out


def _landscape(ctx: Ctx, data: Any) -> tuple[LandscapeSpec, Landscape]:
    from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, get_landscape

    t = Table(ctx, data, ("landscape",), "[landscape]", ("function", "expr", "domain"))
    function = t.str("function")
    expr = t.str("expr")
    if (function is None) == (expr is None):
        raise ctx.fail(
            ("landscape",), "[landscape]", 'give exactly one of function = "ID" or expr = "FORMULA"'
        )
    domain_raw = t.raw("domain")
    if function is not None:
        if function not in LANDSCAPE_IDS:
            raise t.fail(
                "function",
                f"unknown landscape {show(function)}{suggest(function, LANDSCAPE_IDS)} "
                f"(known: {', '.join(LANDSCAPE_IDS)})",
            )
        dim = get_landscape(function).dim
    else:
        # sympy (~0.8 s to import) only for a formula: a built-in landscape is precompiled
        from landscape_gui.core.landscapes.expressions import FormulaError
        from landscape_gui.core.landscapes.formula_worker import build_formula

        assert expr is not None  # exactly one of function and expr (checked above)
        try:
            dim = build_formula(expr).dim  # a formula that keeps sympy busy is refused, not waited for
        except FormulaError as e:
            raise t.fail("expr", f"bad formula {show(expr)}: {e}") from None
    domain = None
    if domain_raw is not None:
        want = "[[low, high]]" if dim == 1 else "[[xlow, xhigh], [ylow, yhigh]]"
        items = domain_raw
        if dim == 1 and isinstance(items, list) and len(items) == 2 and all(is_number(v) for v in items):
            items = [items]  # a 1-D domain may be written [low, high]
        ok = isinstance(items, list) and len(items) == dim
        pairs: list[tuple[float, float]] = []
        for iv in items if ok else ():
            if not (
                isinstance(iv, list) and len(iv) == 2 and all(is_number(v) and math.isfinite(v) for v in iv)
            ):
                ok = False
                break
            try:
                pairs.append(check_interval(iv[0], iv[1], AXES[len(pairs)]))
            except DomainError as e:
                raise t.fail("domain", str(e)) from None
        if not ok:
            raise t.fail(
                "domain",
                f"expected {want} with finite numbers for this {dim}-D landscape, got {show(domain_raw)}",
            )
        domain = tuple(pairs)
    t.done(("function", "expr", "domain"))
    spec = LandscapeSpec(function=function, expr=expr, domain=domain)
    if expr is None:
        return spec, spec.build()
    try:
        landscape = spec.build()
    except FormulaError as e:
        raise t.fail("domain" if domain is not None else "expr", f"bad formula {show(expr)}: {e}") from None
    return spec, landscape


def _optimizers(ctx: Ctx, data: Any) -> tuple[OptimizerSpec, ...]:
    from landscape_gui.core.optimizers.catalog import OPTIMIZER_IDS, get_optimizer

    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise ctx.fail(
            ("optimizers",), "[[optimizers]]", "expected at least one [[optimizers]] table with an id"
        )
    out: list[OptimizerSpec] = []
    for i, item in enumerate(data):
        name = f"[[optimizers]] #{i + 1}"
        t = Table(ctx, item, ("optimizers", i), name)
        oid = t.str("id", required=True)
        if oid not in OPTIMIZER_IDS:
            raise t.fail(
                "id",
                f"unknown optimizer {show(oid)}{suggest(oid, OPTIMIZER_IDS)} (known: {', '.join(OPTIMIZER_IDS)})",
            )
        label = t.str("label", "")
        schedule = _schedule(ctx, t, ("optimizers", i), name) if t.has("schedule") else None
        opt = get_optimizer(oid)
        names = [h.name for h in opt.hyperparameters]
        params: dict[str, float] = {}
        for key in [k for k in t.data if k not in ("id", "label", "schedule")]:
            value = t.raw(key)
            if key not in names:
                known = ", ".join(names) or "none"
                raise t.fail(key, f"unknown hyperparameter of {oid}{suggest(key, names)} (known: {known})")
            if not (is_number(value) and math.isfinite(value)):
                raise t.fail(key, f"expected a finite number, got {show(value)}")
            try:
                opt.resolve({key: float(value)})
            except (KeyError, ValueError) as e:
                raise t.fail(key, e.args[0] if e.args else str(e)) from None
            params[key] = float(value)
        try:
            opt.resolve(params)
        except (KeyError, ValueError) as e:
            raise ctx.fail(("optimizers", i), name, e.args[0] if e.args else str(e)) from None
        t.done()
        out.append(OptimizerSpec(id=oid, params=params, label=label, schedule=schedule))
    return tuple(out)


def _schedule(ctx: Ctx, parent: Table, path: KeyPath, name: str) -> Schedule | None:
    """``schedule = { name = "cosine", T_max = 100 }`` in an [[optimizers]] table."""
    from landscape_gui.core.optimizers.schedules import SCHEDULE_IDS, Schedule, get_schedule_kind

    raw = parent.raw("schedule")
    if not isinstance(raw, dict):
        raise parent.fail(
            "schedule", f'expected a table like {{ name = "cosine", T_max = 100 }}, got {show(raw)}'
        )
    t = Table(ctx, raw, (*path, "schedule"), f"{name} schedule")
    if not t.has("name"):
        raise ctx.fail((*path, "schedule"), t.name, f"missing key 'name' (one of {', '.join(SCHEDULE_IDS)})")
    kind_id = t.str("name", required=True)  # present (checked above)
    if kind_id not in SCHEDULE_IDS:
        raise t.fail(
            "name",
            f"unknown schedule {show(kind_id)}{suggest(kind_id, SCHEDULE_IDS)} (known: {', '.join(SCHEDULE_IDS)})",
        )
    kind = get_schedule_kind(kind_id)
    keys = [h.name for h in kind.parameters]
    params: dict[str, float] = {}
    for key in [k for k in raw if k != "name"]:
        value = t.raw(key)
        if key not in keys:
            known = ", ".join(keys) or "none"
            raise t.fail(
                key, f"unknown parameter of the {kind_id} schedule{suggest(key, keys)} (known: {known})"
            )
        if not (is_number(value) and math.isfinite(value)):
            raise t.fail(key, f"expected a finite number, got {show(value)}")
        try:
            kind.resolve({key: float(value)})
        except ValueError as e:
            raise t.fail(key, str(e)) from None
        params[key] = float(value)
    t.done()
    return None if kind_id == "constant" else Schedule(kind_id, params)


def _run(ctx: Ctx, t: Table, landscape: Landscape) -> tuple[tuple[tuple[float, ...], ...], int | None]:
    """The start points and the batch size of [run] (its declared settings are read with the scenario's)."""
    dim = landscape.dim
    if not t.has("starts"):
        raise ctx.fail(
            ("run",), "[run]", "missing key 'starts' (the start points, e.g. starts = [[-1.5, 2.0]])"
        )
    raw = t.raw("starts")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_STARTS:
        raise t.fail("starts", f"expected a list of 1 to {MAX_STARTS} points, got {show(raw)}")
    starts: list[tuple[float, ...]] = []
    want = "[x]" if dim == 1 else "[x, y]"
    for k, p in enumerate(raw):
        if dim == 1 and is_number(p):
            p = [p]
        if not (isinstance(p, list) and len(p) == dim and all(is_number(c) and math.isfinite(c) for c in p)):
            raise t.fail(
                "starts",
                f"point #{k + 1}: expected {want} with finite numbers (this landscape is "
                f"{dim}-D), got {show(raw[k])}",
            )
        starts.append(tuple(float(c) for c in p))
    return tuple(starts), _batch_size(t, landscape)


def _batch_size(t: Table, landscape: Landscape) -> int | None:
    """``batch_size``: minibatches of a data landscape, 1 … its number of samples."""
    if not t.has("batch_size"):
        return None
    from landscape_gui.core.landscapes.library import DATA_LANDSCAPE_IDS, LANDSCAPE_IDS

    n = getattr(landscape, "n_samples", None)
    if n is None:
        raise t.fail(
            "batch_size",
            f"minibatches need a landscape made of data; {show(landscape.id if landscape.id in LANDSCAPE_IDS else landscape.formula)} is a formula "
            f"(drop batch_size, or use one of: {', '.join(DATA_LANDSCAPE_IDS)})",
        )
    return t.int("batch_size", None, 1, n, what=f"a whole number of samples (the data has {n})")


CAMERA_KEYS = ("distance", "elevation", "azimuth", "center")


def _view(ctx: Ctx, data: Any) -> ViewSettings:
    names = tuple(n for n, _, _ in declared(ViewSettings))
    t = Table(ctx, data, ("view",), "[view]", (*names, "camera"))
    camera = None
    if t.has("camera"):
        c = Table(ctx, t.raw("camera"), ("view", "camera"), "[view.camera]", CAMERA_KEYS)
        for key in ("distance", "elevation", "azimuth"):
            if not c.has(key):
                raise ctx.fail(("view", "camera"), "[view.camera]", f"missing key '{key}'")
        center = c.raw("center") if c.has("center") else (0.0, 0.0, 0.0)
        camera = read_declared(c, Camera, center=center)
        c.done(CAMERA_KEYS)
    view = read_declared(t, ViewSettings, camera=camera)
    t.done((*names, "camera"))
    return view
