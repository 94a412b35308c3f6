"""The sections of a scenario file, read and checked one by one (see :mod:`landscape_gui.core.scenario.files`)."""

from __future__ import annotations

import math
from typing import Any

from landscape_gui.core.landscapes.domain import AXES, DomainError, check_interval
from landscape_gui.core.limits import MAX_DESCRIPTION, MAX_TITLE
from landscape_gui.core.scenario.analysis_sections import parse_basins, parse_restarts
from landscape_gui.core.scenario.model import (
    COLORMAPS,
    EXPORT_FORMATS,
    EXPORT_VIEWS,
    FORMAT_VERSION,
    GLYPHS,
    OVERLAYS,
    THEMES,
    Camera,
    ExportSettings,
    LandscapeSpec,
    OptimizerSpec,
    Scenario,
    ViewSettings,
)
from landscape_gui.core.scenario.parse import (
    MAX_FRAMES,
    MAX_SIDE,
    MAX_STARTS,
    MAX_STEPS,
    Ctx,
    Table,
    is_number,
    show,
    suggest,
)

SECTIONS = (
    "version", "title", "description", "landscape", "optimizers", "run", "view", "export", "basins", "restarts"
)  # fmt: skip
RUN_KEYS = ("starts", "steps", "noise", "seed", "highlight_best", "batch_size")
VIEW_KEYS = ("colormap", "log_height", "theme", "contours", "critical_points", "trails", "glyphs", "camera")
CAMERA_KEYS = ("distance", "elevation", "azimuth", "center")
EXPORT_KEYS = ("size", "fps", "duration", "steps_per_frame", "orbit", "overlays", "format", "view")


def parse_scenario(data: dict, text: str, source: str) -> Scenario:
    """Validate a TOML document (``tomllib`` output) and build the Scenario; see :mod:`landscape_gui.core.scenario.files`."""
    return parse_document(Ctx(text, source), data)


def parse_document(ctx: Ctx, data: dict) -> Scenario:
    top = Table(ctx, data, (), "", SECTIONS)
    version = top.raw("version", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise top.fail(
            "version",
            f"this file is format version {show(version)}; this program reads version {FORMAT_VERSION}",
        )
    title = top.str("title", "")
    description = top.str("description", "")
    for key, text, most in (("title", title, MAX_TITLE), ("description", description, MAX_DESCRIPTION)):
        if len(text) > most:  # drawn into every exported frame: bounded where the file is read
            raise top.fail(key, f"is {len(text)} characters long; at most {most}")
    if not top.has("landscape"):
        raise ctx.fail((), "", 'missing section [landscape] (function = "ID" or expr = "FORMULA")')
    landscape_spec, landscape = _landscape(ctx, top.raw("landscape"))
    if not top.has("optimizers"):
        raise ctx.fail((), "", 'missing section [[optimizers]] (at least one, e.g. id = "gd")')
    optimizers = _optimizers(ctx, top.raw("optimizers"))
    if not top.has("run"):
        raise ctx.fail((), "", "missing section [run] (starts = [...] at least)")
    run = _run(ctx, top.raw("run"), landscape)
    view = _view(ctx, top.raw("view", {}))
    export = _export(ctx, top.raw("export", {}), run["steps"])
    basins = parse_basins(ctx, top.raw("basins")) if top.has("basins") else None
    restarts = parse_restarts(ctx, top.raw("restarts")) if top.has("restarts") else None
    top.done(SECTIONS)
    return Scenario(
        landscape=landscape_spec,
        optimizers=optimizers,
        title=title,
        description=description,
        view=view,
        export=export,
        basins=basins,
        restarts=restarts,
        **run,
    )


def _landscape(ctx: Ctx, data: Any):
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
        pairs = []
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


def _optimizers(ctx: Ctx, data: Any):
    from landscape_gui.core.optimizers.catalog import OPTIMIZER_IDS, get_optimizer

    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise ctx.fail(
            ("optimizers",), "[[optimizers]]", "expected at least one [[optimizers]] table with an id"
        )
    out = []
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


def _schedule(ctx: Ctx, parent: Table, path: tuple, name: str):
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
    kind_id = t.str("name")
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


def _run(ctx: Ctx, data: Any, landscape) -> dict[str, Any]:
    t = Table(ctx, data, ("run",), "[run]", RUN_KEYS)
    dim = landscape.dim
    if not t.has("starts"):
        raise ctx.fail(
            ("run",), "[run]", "missing key 'starts' (the start points, e.g. starts = [[-1.5, 2.0]])"
        )
    raw = t.raw("starts")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_STARTS:
        raise t.fail("starts", f"expected a list of 1 to {MAX_STARTS} points, got {show(raw)}")
    starts = []
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
    out = {
        "starts": tuple(starts),
        "steps": t.int("steps", 200, 0, MAX_STEPS),
        "noise": t.float("noise", 0.0, 0.0, 1e6),
        "seed": t.int("seed", 0, 0, 2**63 - 1),
        "highlight_best": t.bool("highlight_best", False),
        "batch_size": _batch_size(t, landscape),
    }
    t.done()
    return out


def _words(landscape) -> str:
    """The landscape as the file names it: its built-in id, or the formula typed."""
    from landscape_gui.core.landscapes.library import LANDSCAPE_IDS

    return landscape.id if landscape.id in LANDSCAPE_IDS else landscape.formula


def _batch_size(t: Table, landscape) -> int | None:
    """``batch_size``: minibatches of a data landscape, 1 … its number of samples."""
    if not t.has("batch_size"):
        return None
    from landscape_gui.core.landscapes.library import DATA_LANDSCAPE_IDS

    n = getattr(landscape, "n_samples", None)
    if n is None:
        raise t.fail(
            "batch_size",
            f"minibatches need a landscape made of data; {show(_words(landscape))} is a formula "
            f"(drop batch_size, or use one of: {', '.join(DATA_LANDSCAPE_IDS)})",
        )
    return t.int("batch_size", None, 1, n, what=f"a whole number of samples (the data has {n})")


def _view(ctx: Ctx, data: Any):

    t = Table(ctx, data, ("view",), "[view]", VIEW_KEYS)
    log_height = t.raw("log_height", "auto")
    if log_height == "auto":
        log_height = None
    elif not isinstance(log_height, bool):
        raise t.fail("log_height", f'expected true, false or "auto", got {show(log_height)}')
    camera = None
    if t.has("camera"):
        c = Table(ctx, t.raw("camera"), ("view", "camera"), "[view.camera]", CAMERA_KEYS)
        for key in ("distance", "elevation", "azimuth"):
            if not c.has(key):
                raise ctx.fail(("view", "camera"), "[view.camera]", f"missing key '{key}'")
        camera = Camera(
            distance=c.float("distance", None, 0.0, 1e9, open_lo=True),
            elevation=c.float("elevation", None, -90.0, 90.0),
            azimuth=c.float("azimuth", None),
            center=c.numbers("center", 3, what="[x, y, z] with finite numbers")
            if c.has("center")
            else (0.0, 0.0, 0.0),
        )
        c.done(CAMERA_KEYS)
    view = ViewSettings(
        camera=camera,
        colormap=t.str("colormap", "viridis", choices=COLORMAPS),
        log_height=log_height,
        theme=t.str("theme", None, choices=THEMES),  # None: the viewer's choice
        contours=t.bool("contours", True),
        critical_points=t.bool("critical_points", True),
        trails=t.bool("trails", True),
        glyphs=_names(t, "glyphs", GLYPHS, "glyph") if t.has("glyphs") else (),
    )
    t.done()
    return view


def _names(t: Table, key: str, known: tuple[str, ...], what: str) -> tuple[str, ...]:
    """A list of names from ``known`` (each once, in the file's order); did-you-mean for an unknown one."""
    v = t.raw(key)
    if not isinstance(v, list) or not all(isinstance(o, str) for o in v):
        raise t.fail(key, f"expected a list of names from {', '.join(known)}, got {show(v)}")
    for o in v:
        if o not in known:
            raise t.fail(key, f"unknown {what} {show(o)}{suggest(o, known)} (known: {', '.join(known)})")
    return tuple(dict.fromkeys(v))


def _export(ctx: Ctx, data: Any, steps: int):

    t = Table(ctx, data, ("export",), "[export]", EXPORT_KEYS)
    size = ExportSettings.size
    if t.has("size"):
        v = t.raw("size")
        if not (
            isinstance(v, list)
            and len(v) == 2
            and all(isinstance(s, int) and not isinstance(s, bool) and 16 <= s <= MAX_SIDE for s in v)
        ):
            raise t.fail("size", f"expected [width, height] in pixels, each 16 … {MAX_SIDE}, got {show(v)}")
        size = (v[0], v[1])
    if t.has("duration") and t.has("steps_per_frame"):
        raise t.fail("steps_per_frame", "give duration or steps_per_frame, not both")
    fps = t.int("fps", 30, 1, 120)
    duration = t.float("duration", None, 0.0, 3600.0, open_lo=True)
    spf = t.int("steps_per_frame", None, 1, 2**62)
    if duration is None and spf is None:
        duration = ExportSettings.duration
    overlays = ExportSettings.overlays
    if t.has("overlays"):
        v = t.raw("overlays")
        if not isinstance(v, list) or not all(isinstance(o, str) for o in v):
            raise t.fail("overlays", f"expected a list of names from {', '.join(OVERLAYS)}, got {show(v)}")
        for o in v:
            if o not in OVERLAYS:
                raise t.fail(
                    "overlays",
                    f"unknown overlay {show(o)}{suggest(o, OVERLAYS)} (known: {', '.join(OVERLAYS)})",
                )
        overlays = tuple(dict.fromkeys(v))
    export = ExportSettings(
        size=size,
        fps=fps,
        duration=duration,
        steps_per_frame=spf,
        orbit=t.float("orbit", 0.0, -36000.0, 36000.0),
        overlays=overlays,
        format=t.str("format", "mp4", choices=EXPORT_FORMATS),
        view=t.str("view", "3d", choices=EXPORT_VIEWS),
    )
    frames = export.frame_count(steps)
    if frames > MAX_FRAMES:
        key = "steps_per_frame" if spf is not None else "duration"
        raise t.fail(key, f"the clip would have {frames} frames; at most {MAX_FRAMES}")
    t.done()
    return export
