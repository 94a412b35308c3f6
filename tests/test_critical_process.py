"""Critical points are a function of the landscape alone: the same in every fresh process, whatever the
allocator settings or the machine's speed (issue 23: mlp_slice's minimum came and went with both)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

SCRIPT = r"""
import json, sys, time
mode = sys.argv[1]
if mode == "keep_freed_memory":
    from landscape_gui.core.allocator import keep_freed_memory
    assert keep_freed_memory()
elif mode == "racing_clock":  # a machine so loaded that every reading of the clock is 10 s after the last
    now = [time.perf_counter()]
    def racing():
        now[0] += 10.0
        return now[0]
    time.perf_counter = racing
from landscape_gui.core.analysis.critical import critical_points
from landscape_gui.core.landscapes.library import get_landscape
pts = critical_points(get_landscape(sys.argv[2]))
print(json.dumps([[p.kind, p.position, p.value, p.eigenvalues, p.is_global] for p in pts]))
"""


def _fresh(mode: str, landscape_id: str, tmp_path) -> list:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, landscape_id],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_mlp_slice_same_points_in_every_fresh_process(tmp_path, monkeypatch):
    plain = _fresh("plain", "mlp_slice", tmp_path)  # trains the network into tmp_path/cache once
    assert _fresh("keep_freed_memory", "mlp_slice", tmp_path) == plain
    assert _fresh("racing_clock", "mlp_slice", tmp_path) == plain

    minima = [p for p in plain if p[0] == "minimum" and p[4]]
    assert len(minima) == 1, plain
    _, position, value, eigenvalues, _ = minima[0]

    # the minimum checked from values alone, by central differences written here
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from landscape_gui.core.data.mlp_slice import build_mlp_slice

    ls = build_mlp_slice()
    p = np.array(position)

    def J(point) -> float:
        return float(ls.value(np.asarray(point)[None])[0])

    assert J(p) == value
    h = 1e-4
    e = np.eye(2) * h
    grad = np.array([(J(p + e[i]) - J(p - e[i])) / (2 * h) for i in (0, 1)])
    assert np.linalg.norm(grad) < 1e-6
    hess = np.array(
        [
            [
                (J(p + e[i] + e[j]) - J(p + e[i] - e[j]) - J(p - e[i] + e[j]) + J(p - e[i] - e[j]))
                / (4 * h * h)
                for j in (0, 1)
            ]
            for i in (0, 1)
        ]
    )
    np.testing.assert_allclose(np.linalg.eigvalsh(hess), eigenvalues, rtol=1e-5)
    assert min(eigenvalues) > 0.5  # a clear minimum, not a numerically flat point


def test_a_search_past_its_work_budget_stops_the_same_way_every_time():
    from landscape_gui.core.analysis.critical import find_critical_points
    from landscape_gui.core.landscapes.library import get_landscape

    ls = get_landscape("levi13")
    runs = [find_critical_points(ls, max_evaluations=200_000) for _ in range(2)]
    assert runs[0] == runs[1]
    assert len(runs[0]) < len(find_critical_points(ls))
