"""Lecture presets: scenario files shipped in the package (``landscape_gui/resources/presets/``), one per
point of the lecture.

A preset's id is its file name without ``.toml``. :data:`LECTURE_ORDER` lists the shipped ones in the order
the lecture meets them; any other ``*.toml`` dropped into the folder is listed after them, by id.

>>> [pid for pid, _ in list_presets()][:2]
['local-vs-global', 'saddle-escape']
>>> load_preset("rosenbrock-race").landscape.function
'rosenbrock'
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from landscape_gui.core.scenario.files import Scenario, ScenarioError, load_scenario

__all__ = ["LECTURE_ORDER", "list_presets", "load_preset", "preset_path", "presets_dir"]

LECTURE_ORDER = (
    "local-vs-global",
    "saddle-escape",
    "sgd-noise",
    "minibatch-escape",
    "random-restarts",
    "rastrigin-restarts",
    "rosenbrock-race",
    "newton-saddle",
    "double-well",
    "himmelblau-basins",
    "momentum-speed",
    "too-large-a-step",
    "adam-step-by-step",
    "warmup-cosine",
    "adam-sgd-train",
    "edge-of-stability",
)


def presets_dir() -> Path:
    from landscape_gui import resources_dir

    return resources_dir() / "presets"


def _ids() -> list[str]:
    found = {p.stem for p in presets_dir().glob("*.toml")}
    return [i for i in LECTURE_ORDER if i in found] + sorted(found - set(LECTURE_ORDER))


def preset_path(preset_id: str) -> Path:
    """The file of a preset; ``KeyError`` (one line, with the known ids) for an unknown one."""
    ids = _ids()
    if preset_id not in ids:
        raise KeyError(f"unknown preset '{preset_id}' (known: {', '.join(ids)})")
    return presets_dir() / f"{preset_id}.toml"


def list_presets() -> list[tuple[str, str]]:
    """``(id, title)`` of every preset, in lecture order (titles read without validating the files)."""
    out = []
    for pid in _ids():
        try:
            title = tomllib.loads((presets_dir() / f"{pid}.toml").read_text("utf-8")).get("title", "")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            title = ""
        out.append((pid, str(title) or pid))
    return out


def load_preset(preset_id: str) -> Scenario:
    """The validated scenario of a preset (``KeyError`` if unknown, :class:`ScenarioError` if broken)."""
    return load_scenario(preset_path(preset_id))


def _check_all() -> (
    None
):  # pragma: no cover - a maintainer's helper: python -m landscape_gui.core.scenario.presets
    for pid, title in list_presets():
        try:
            load_preset(pid)
            print(f"ok  {pid}: {title}")
        except ScenarioError as e:
            print(f"BAD {e}")


if __name__ == "__main__":  # pragma: no cover
    _check_all()
