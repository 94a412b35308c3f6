"""Scenario: everything needed to reproduce a demonstration, as a TOML file a lecturer can write by hand.

A scenario names the landscape, the optimizers and their hyperparameters, the start points, the noise, the
number of steps, the view (camera, colormap, what is shown) and the export settings. Files are read with
:mod:`tomllib` and written with :mod:`tomli_w`; every field is validated and a bad file is refused with a
:class:`ScenarioError` whose one-line message names the field (and the line, when it can be found).

The file format (every section but ``[landscape]``, ``[[optimizers]]`` and ``starts`` is optional)::

    version = 1
    title = "Local vs global minimum"
    description = "Gradient descent stops in whichever basin it starts in."

    [landscape]
    function = "seed_curve"        # a built-in id (landscape-gui functions) ...
    # expr = "x**4 - 5*x**2 + 4"   # ... or a formula in x (and y)
    # domain = [[-3.0, 2.2]]       # one [low, high] per variable

    [[optimizers]]                 # repeat the table for each optimizer (the same id may appear twice)
    id = "gd"
    lr = 0.05                      # hyperparameters inline (landscape-gui optimizers lists them)
    # label = "GD, lr 0.05"        # optional legend text
    # schedule = { name = "cosine", T_max = 100, eta_min = 0.001 }   # lr schedule (landscape-gui schedules)

    [run]
    starts = [[-2.6], [0.3]]       # 1-D: [[x], ...] or [x, ...]; 2-D: [[x, y], ...]
    steps = 300
    noise = 0.0                    # σ of Gaussian noise added to every gradient
    # batch_size = 8               # data landscapes: minibatches of 8 samples (default: the whole data)
    seed = 0
    highlight_best = false         # mark the run with the lowest final loss

    [view]
    colormap = "viridis"
    log_height = "auto"            # true, false or "auto"
    theme = "light"                # or "dark"; absent: the viewer's own choice (dark for exports)
    contours = true
    critical_points = true
    trails = true
    # glyphs = ["gradient", "velocity", "step", "effective_lr"]   # arrows and boxes on every ball
    [view.camera]                  # optional: absent means the default camera for the landscape
    distance = 8.0
    elevation = 30.0
    azimuth = -60.0
    center = [0.0, 0.0, 0.0]

    [export]
    size = [1280, 720]
    fps = 30
    duration = 6.0                 # seconds, or steps_per_frame = 5 (not both)
    orbit = 0.0                    # degrees the camera turns over the clip
    overlays = ["title", "legend", "step", "loss"]   # also "caption", "step_caption"
    format = "mp4"                 # mp4, gif, webm or png (a folder of frames)
    view = "3d"                    # 3d, map (the 2-D map) or composite (3D + map + loss curves)

>>> s = loads_scenario('''
... [landscape]
... function = "booth"
... [[optimizers]]
... id = "gd"
... lr = 0.05
... [run]
... starts = [[0.0, 0.0]]
... steps = 200
... ''')
>>> s.optimizers[0]
OptimizerSpec(id='gd', params={'lr': 0.05}, label='', schedule=None)
>>> loads_scenario(dumps_scenario(s)) == s
True
>>> sim = s.build_simulation(); sim.step(s.steps); sim.runs()[0].reached
'global_minimum'
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from landscape_gui.core.scenario.declarations import declared, to_document
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
from landscape_gui.core.scenario.parse import ScenarioError
from landscape_gui.core.scenario.sections import parse_scenario

__all__ = [
    "COLORMAPS",
    "EXPORT_FORMATS",
    "EXPORT_VIEWS",
    "GLYPHS",
    "OVERLAYS",
    "THEMES",
    "Camera",
    "ExportSettings",
    "LandscapeSpec",
    "OptimizerSpec",
    "Scenario",
    "ScenarioError",
    "ViewSettings",
    "dumps_scenario",
    "load_scenario",
    "loads_scenario",
    "save_scenario",
]


# -- reading -----------------------------------------------------------------------------------------------
#: Largest scenario file read (10 000 start points written out take ~0.5 MB).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Deepest nesting of arrays and inline tables in a scenario (the format itself needs 3).
MAX_NESTING = 32


def _too_deep(data: Any) -> bool:
    """Whether ``data`` nests lists/dicts more than :data:`MAX_NESTING` levels (iterative: no recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_NESTING:
                return True
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return False


def loads_scenario(text: str, source: str = "<string>") -> Scenario:
    """Parse and validate a scenario from TOML text; ``source`` names it in error messages.

    A leading UTF-8 byte order mark (as some Windows editors write) is skipped.
    """
    text = text.removeprefix("\ufeff")
    deep = ScenarioError(f"{source}: arrays or tables nested more than {MAX_NESTING} levels deep")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError.from_toml(e, source) from None
    except RecursionError:  # tomllib reads nested arrays recursively
        raise deep from None
    if _too_deep(data):
        raise deep
    return parse_scenario(data, text, source)


def read_scenario_text(path: str | os.PathLike[str]) -> str:
    """The text of a scenario file: a regular file of at most :data:`MAX_FILE_BYTES`, in UTF-8.

    A FIFO, a device (``/dev/zero``), a folder or a socket is refused before it is read (a FIFO is opened
    non-blocking, so even one swapped in after the check cannot hang the caller).
    """
    p = Path(path)
    kinds = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
             stat.S_IFDIR: "a folder", stat.S_IFSOCK: "a socket"}  # fmt: skip

    def check(st: os.stat_result) -> None:
        if not stat.S_ISREG(st.st_mode):
            kind = kinds.get(stat.S_IFMT(st.st_mode), "not a regular file")
            raise ScenarioError(f"{p.name}: cannot read: {kind}, not a scenario file")
        if st.st_size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{p.name}: too large for a scenario ({st.st_size} bytes; at most {MAX_FILE_BYTES})"
            )

    try:
        check(os.stat(p))
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as f:
            check(os.fstat(f.fileno()))
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ScenarioError(f"{p.name}: cannot read: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:  # grew since it was checked
        raise ScenarioError(f"{p.name}: too large for a scenario (at most {MAX_FILE_BYTES} bytes)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"{p.name}: not a UTF-8 text file (byte {e.start})") from None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file. Raises :class:`ScenarioError` (one line) for any problem."""
    return loads_scenario(read_scenario_text(path), Path(path).name)


# -- writing -----------------------------------------------------------------------------------------------
def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """The TOML document of a scenario, as plain dicts and lists (what :func:`dumps_scenario` writes).

    The declared settings are written by their declarations (:func:`~.declarations.to_document`); in [view],
    [export], [basins], [restarts] and [training] only those that differ from their defaults (the file stays short and
    reads back equal); a title or description left empty is left out.
    """
    doc: dict[str, Any] = {"version": FORMAT_VERSION}
    doc.update({k: v for k, v in _declared_in(s, "").items() if v != ""})
    land: dict[str, Any] = {}
    if s.landscape.function is not None:
        land["function"] = s.landscape.function
    else:
        land["expr"] = s.landscape.expr
    if s.landscape.domain is not None:
        land["domain"] = [[float(lo), float(hi)] for lo, hi in s.landscape.domain]
    doc["landscape"] = land
    opts = []
    for o in s.optimizers:
        entry: dict[str, Any] = {"id": o.id}
        if o.label:
            entry["label"] = o.label
        entry.update({k: float(v) for k, v in o.params.items()})
        if o.schedule is not None:
            full = o.schedule.resolved()  # whole-number parameters as int
            entry["schedule"] = {"name": o.schedule.id, **{k: full[k] for k in o.schedule.params}}
        opts.append(entry)
    doc["optimizers"] = opts
    dim = len(s.starts[0]) if s.starts else 2
    starts = [p[0] for p in s.starts] if dim == 1 else [list(p) for p in s.starts]
    doc["run"] = {"starts": starts, **_declared_in(s, "run")}
    if s.batch_size is not None:
        doc["run"]["batch_size"] = s.batch_size
    view = to_document(s.view, changed_only=True)
    if s.view.camera is not None:
        view["camera"] = {**to_document(s.view.camera), "center": list(s.view.camera.center)}
    if view:
        doc["view"] = view
    export = to_document(s.export, changed_only=True)
    if export:
        doc["export"] = export
    for key in (
        "basins",
        "restarts",
        "training",
    ):  # present (even with every setting at its default) or absent
        if getattr(s, key) is not None:
            doc[key] = to_document(getattr(s, key), changed_only=True)
    return doc


def _declared_in(s: Scenario, section: str) -> dict[str, Any]:
    """The scenario's own declared settings that live in ``section``, as TOML values."""
    return {n: st.kind.document(getattr(s, n)) for n, st, _ in declared(s) if st.section == section}


def _render(v: Any) -> str:
    """One TOML value: strings and booleans by ``tomli_w``; numbers and numeric lists kept on one line."""
    if isinstance(v, bool | str):
        return tomli_w.dumps({"v": v}, multiline_strings=True)[4:-1]
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return "[" + ", ".join(_render(x) for x in v) + "]"
    if isinstance(v, list) and v and all(isinstance(x, list) for x in v):
        inner = [_render(x) for x in v]
        if len(inner) <= 3 and sum(map(len, inner)) < 70:
            return "[" + ", ".join(inner) + "]"
        return "[\n" + "".join(f"    {x},\n" for x in inner) + "]"
    if isinstance(v, list):
        return "[" + ", ".join(_render(x) for x in v) + "]"
    raise TypeError(f"cannot render {v!r}")


def _table_text(header: str, table: dict[str, Any]) -> str:
    lines = [header] if header else []
    lines += [
        f"{tomli_w.dumps({k: 0})[:-5]} = {_render(v)}" for k, v in table.items() if not isinstance(v, dict)
    ]
    text = "\n".join(lines) + "\n"
    for k, v in table.items():
        if isinstance(v, dict):
            text += "\n" + _table_text(f"[{header.strip('[]')}.{k}]", v)
    return text


def dumps_scenario(s: Scenario) -> str:
    """The scenario as TOML text that reads back equal, laid out as a person would write it.

    Strings and keys are escaped by ``tomli_w``; numbers are written with ``repr`` (exact round trip) and
    short lists on one line. The text is parsed back with ``tomllib`` and compared with the document; should
    they ever differ, the plain ``tomli_w`` rendering of the whole document is returned instead.
    """
    doc = scenario_to_dict(s)
    parts = [_table_text("", {k: doc[k] for k in ("version", "title", "description") if k in doc})]
    parts.append(_table_text("[landscape]", doc["landscape"]))
    parts += [_table_text("[[optimizers]]", o) for o in doc["optimizers"]]
    parts += [
        _table_text(f"[{k}]", doc[k])
        for k in ("run", "view", "export", "basins", "restarts", "training")
        if k in doc
    ]
    text = "\n".join(parts)
    try:
        if tomllib.loads(text) == doc:
            return text
    except tomllib.TOMLDecodeError:
        pass
    return tomli_w.dumps(doc, multiline_strings=True)


def save_scenario(s: Scenario, path: str | os.PathLike[str]) -> None:
    """Write ``s`` to ``path`` atomically.

    The text goes to a temporary file in the same folder, is flushed and fsynced, then replaces ``path`` in
    one ``os.replace``: if anything fails the previous file is intact and the temporary file is removed, and
    the ``OSError`` propagates. An existing file keeps its permission bits.
    """
    path = Path(path)
    data = dumps_scenario(s).encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
