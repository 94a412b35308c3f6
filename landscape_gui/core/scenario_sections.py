"""The sections of a scenario file, read and checked one by one (see :mod:`landscape_gui.core.scenario`)."""

from __future__ import annotations

import math
from typing import Any

from landscape_gui.core.domain import AXES, DomainError, check_interval
from landscape_gui.core.scenario_model import (
    COLORMAPS,
    EXPORT_FORMATS,
    FORMAT_VERSION,
    OVERLAYS,
    THEMES,
    Camera,
    ExportSettings,
    LandscapeSpec,
    OptimizerSpec,
    Scenario,
    ViewSettings,
)
from landscape_gui.core.scenario_parse import (
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

SECTIONS = ("version", "title", "description", "landscape", "optimizers", "run", "view", "export")
RUN_KEYS = ("starts", "steps", "noise", "seed", "highlight_best")
VIEW_KEYS = ("colormap", "log_height", "theme", "contours", "critical_points", "trails", "camera")
CAMERA_KEYS = ("distance", "elevation", "azimuth", "center")
EXPORT_KEYS = ("size", "fps", "duration", "steps_per_frame", "orbit", "overlays", "format")


def parse_scenario(data: dict, text: str, source: str) -> Scenario:
    """Validate a TOML document (``tomllib`` output) and build the Scenario; see :mod:`landscape_gui.core.scenario`."""
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
    top.done(SECTIONS)
    return Scenario(
        landscape=landscape_spec,
        optimizers=optimizers,
        title=title,
        description=description,
        view=view,
        export=export,
        **run,
    )


def _landscape(ctx: Ctx, data: Any):
    from landscape_gui.core.expressions import FormulaError
    from landscape_gui.core.formula_worker import build_formula
    from landscape_gui.core.library import LANDSCAPE_IDS, get_landscape

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
    try:
        landscape = spec.build()
    except FormulaError as e:
        raise t.fail("domain" if domain is not None else "expr", f"bad formula {show(expr)}: {e}") from None
    return spec, landscape


def _optimizers(ctx: Ctx, data: Any):
    from landscape_gui.core.optimizers import OPTIMIZER_IDS, get_optimizer

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
        opt = get_optimizer(oid)
        names = [h.name for h in opt.hyperparameters]
        params: dict[str, float] = {}
        for key in [k for k in t.data if k not in ("id", "label")]:
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
        out.append(OptimizerSpec(id=oid, params=params, label=label))
    return tuple(out)


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
    }
    t.done()
    return out


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
        theme=t.str("theme", "dark", choices=THEMES),
        contours=t.bool("contours", True),
        critical_points=t.bool("critical_points", True),
        trails=t.bool("trails", True),
    )
    t.done()
    return view


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
    )
    frames = export.frame_count(steps)
    if frames > MAX_FRAMES:
        key = "steps_per_frame" if spf is not None else "duration"
        raise t.fail(key, f"the clip would have {frames} frames; at most {MAX_FRAMES}")
    t.done()
    return export
