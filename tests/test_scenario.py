"""Scenario files: round trip, atomic save, and a one-line message naming the field for each bad file."""

import os
import stat
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landscape_gui.core.frames.presenter import optimizer_label
from landscape_gui.core.scenario.files import (
    COLORMAPS,
    OVERLAYS,
    Camera,
    ExportSettings,
    LandscapeSpec,
    OptimizerSpec,
    Scenario,
    ScenarioError,
    ViewSettings,
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
)

GOOD = """\
version = 1
title = "Demo"

[landscape]
function = "booth"

[[optimizers]]
id = "gd"
lr = 0.05

[[optimizers]]
id = "adam"
lr = 0.1

[run]
starts = [[0.0, 0.0], [5.0, -5.0]]
steps = 200

[view]
colormap = "viridis"

[view.camera]
distance = 5.0
elevation = 30.0
azimuth = 10.0

[export]
size = [640, 480]
fps = 24
duration = 2.0
"""


def test_good_file_reads_and_runs():
    s = loads_scenario(GOOD)
    assert s.title == "Demo" and s.landscape == LandscapeSpec(function="booth")
    assert s.optimizers == (OptimizerSpec("gd", {"lr": 0.05}), OptimizerSpec("adam", {"lr": 0.1}))
    assert s.view.camera == Camera(5.0, 30.0, 10.0) and s.export.size == (640, 480)
    sim = s.build_simulation()
    sim.step(s.steps)
    assert [r.reached for r in sim.runs()[:2]] == ["global_minimum", "global_minimum"]


def test_same_optimizer_twice_with_different_settings():
    s = loads_scenario(
        GOOD.replace('id = "adam"', 'id = "gd"\nlabel = "slow"').replace("lr = 0.1", "lr = 0.001")
    )
    assert [o.id for o in s.optimizers] == ["gd", "gd"]
    assert optimizer_label(s.optimizers[1]) == "slow"
    assert (
        optimizer_label(s.optimizers[0]) == "Gradient descent (lr 0.05)"
    )  # the window's and the export's words
    assert s.build_simulation().optimizers[1][1]["lr"] == 0.001


def test_one_d_starts_and_formula_with_domain():
    s = loads_scenario(
        '[landscape]\nexpr = "x**4 - 5*x**2 + 4"\ndomain = [-3, 3]\n[[optimizers]]\nid = "gd"\n'
        "[run]\nstarts = [-2.5, [0.5]]\n"
    )
    assert s.starts == ((-2.5,), (0.5,)) and s.landscape.domain == ((-3.0, 3.0),)
    assert s.build_landscape().dim == 1


def test_save_then_open_gives_an_identical_scenario(tmp_path):
    s = loads_scenario(GOOD)
    path = tmp_path / "demo.toml"
    save_scenario(s, path)
    assert load_scenario(path) == s
    assert "[[optimizers]]" in path.read_text() and "[view.camera]" in path.read_text()


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
scenarios = st.builds(
    Scenario,
    landscape=st.sampled_from(
        [LandscapeSpec(function="himmelblau"), LandscapeSpec(expr="x**2 - y**2 + 0.1*x*y")]
    ),
    optimizers=st.lists(
        st.builds(
            OptimizerSpec,
            id=st.just("adam"),
            params=st.fixed_dictionaries(
                {}, optional={"lr": st.floats(1e-6, 10), "beta1": st.floats(0, 0.999)}
            ),
            label=names,
        ),
        min_size=1,
        max_size=3,
    ).map(tuple),
    starts=st.lists(st.tuples(finite, finite), min_size=1, max_size=5).map(tuple),
    title=names,
    description=st.text(max_size=80).map(lambda t: t.replace("\r", "")),
    steps=st.integers(0, 10_000),
    noise=st.floats(0, 100),
    seed=st.integers(0, 2**63 - 1),
    highlight_best=st.booleans(),
    view=st.builds(
        ViewSettings,
        camera=st.none()
        | st.builds(
            Camera, st.floats(0.01, 1e4), st.floats(-90, 90), finite, st.tuples(finite, finite, finite)
        ),
        colormap=st.sampled_from(COLORMAPS),
        log_height=st.sampled_from([None, True, False]),
        theme=st.sampled_from([None, "dark", "light"]),
        contours=st.booleans(),
        critical_points=st.booleans(),
        trails=st.booleans(),
    ),
    export=st.builds(
        ExportSettings,
        size=st.tuples(st.integers(16, 4000), st.integers(16, 4000)),
        fps=st.integers(1, 120),
        duration=st.floats(0.1, 60),
        steps_per_frame=st.none() | st.integers(1, 100),
        orbit=st.floats(-720, 720),
        overlays=st.lists(st.sampled_from(OVERLAYS), unique=True).map(tuple),
        format=st.sampled_from(["mp4", "gif", "webm", "png"]),
        view=st.sampled_from(["3d", "map", "composite"]),
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios)
def test_round_trip_of_generated_scenarios(s):
    assert loads_scenario(dumps_scenario(s)) == s


def test_save_is_atomic_and_keeps_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "demo.toml"
    path.write_text("old contents")
    os.chmod(path, 0o640)
    s = loads_scenario(GOOD)

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        save_scenario(s, path)
    assert path.read_text() == "old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.toml"]  # no temporary file left
    monkeypatch.undo()
    save_scenario(s, path)
    assert load_scenario(path) == s and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_save_into_a_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(OSError):
        save_scenario(loads_scenario(GOOD), tmp_path / "nope" / "x.toml")


def edit(old, new):
    assert old in GOOD
    return GOOD.replace(old, new, 1)


BAD = [
    # syntax
    (edit("steps = 200", "steps = = 3"), r"^scenario\.toml line 17: syntax error: "),
    (edit('title = "Demo"', 'title = "Demo'), r"^scenario\.toml line 2: syntax error: "),
    # unknown keys
    (
        edit('colormap = "viridis"', 'colour = "viridis"'),
        r"^scenario\.toml line 20: unknown key 'colour' in \[view\] \(did you mean 'colormap'\?\)$",
    ),
    (edit("[view]", "[veiw]"), r"line 19: unknown key 'veiw' at the top level \(did you mean 'view'\?\)"),
    (edit("distance = 5.0", "distanse = 5.0"), r"line 23: unknown key 'distanse' in \[view.camera\]"),
    (
        edit("lr = 0.1", "lrr = 0.1"),
        r"line 13: \[\[optimizers\]\] #2 lrr: unknown hyperparameter of adam \(did you mean 'lr'\?\)",
    ),
    # wrong types
    (
        edit("steps = 200", 'steps = "many"'),
        r"line 17: \[run\] steps: expected an integer in 0 … 1000000, got \"many\"",
    ),
    (
        edit("lr = 0.1", 'lr = "fast"'),
        r"line 13: \[\[optimizers\]\] #2 lr: expected a finite number, got \"fast\"",
    ),
    (edit('colormap = "viridis"', "colormap = 3"), r"\[view\] colormap: expected a string, got 3"),
    (
        edit("starts = [[0.0, 0.0], [5.0, -5.0]]", "starts = [[0.0, 0.0], [5.0]]"),
        r"line 16: \[run\] starts: point #2: expected \[x, y\] with finite numbers \(this landscape is 2-D\), got \[5.0\]",
    ),
    (edit("starts = [[0.0, 0.0], [5.0, -5.0]]", "starts = [[0.0, nan]]"), r"\[run\] starts: point #1"),
    (edit("size = [640, 480]", 'size = "HD"'), r"line 28: \[export\] size: expected \[width, height\]"),
    # out of range
    (
        edit("steps = 200", "steps = -5"),
        r"^scenario\.toml line 17: \[run\] steps: expected an integer in 0 … 1000000, got -5$",
    ),
    (
        edit("lr = 0.1", "lr = 100"),
        r"line 13: \[\[optimizers\]\] #2 lr: hyperparameter lr for adam must lie in",
    ),
    (
        edit("elevation = 30.0", "elevation = 120.0"),
        r"line 24: \[view.camera\] elevation: expected a number in -90 … 90",
    ),
    (edit("fps = 24", "fps = 0"), r"\[export\] fps: expected an integer in 1 … 120, got 0"),
    (
        edit("duration = 2.0", "duration = 2.0\nsteps_per_frame = 4"),
        r"steps_per_frame: give duration or steps_per_frame",
    ),
    (edit("[run]", "[run]\nnoise = -1"), r"\[run\] noise: expected a number in 0 … 1e\+06, got -1"),
    # unknown landscape / optimizer / formula / choice
    (
        edit('function = "booth"', 'function = "rosenbrok"'),
        r"line 5: \[landscape\] function: unknown landscape \"rosenbrok\" \(did you mean 'rosenbrock'\?\)",
    ),
    (
        edit('id = "adam"', 'id = "adamm"'),
        r"^scenario\.toml line 12: \[\[optimizers\]\] #2 id: unknown optimizer \"adamm\" \(did you mean 'adam'\?\) \(known: gd, ",
    ),
    (
        edit('function = "booth"', 'expr = "sinn(x)"'),
        r"line 5: \[landscape\] expr: bad formula \"sinn\(x\)\": unknown function 'sinn'",
    ),
    (
        edit('function = "booth"', 'function = "booth"\nexpr = "x"'),
        r"\[landscape\]: give exactly one of function",
    ),
    (edit('colormap = "viridis"', 'colormap = "rainbow"'), r"\[view\] colormap: unknown value \"rainbow\""),
    (edit("[view]", '[view]\ntheme = "blue"'), r"\[view\] theme: unknown value \"blue\""),
    (
        edit("fps = 24", 'fps = 24\noverlays = ["legnd"]'),
        r"overlays: unknown overlay \"legnd\" \(did you mean 'legend'\?\)",
    ),
    (
        edit("fps = 24", 'fps = 24\nview = "mapp"'),
        r"\[export\] view: unknown value \"mapp\" \(did you mean 'map'\?\) \(known: 3d, map, composite\)",
    ),
    # structure
    (GOOD.replace('[landscape]\nfunction = "booth"\n', ""), r"missing section \[landscape\]"),
    (edit("version = 1", "version = 2"), r"line 1: version: this file is format version 2"),
    (edit("[view.camera]\n", "[view.camera]\nazimuth = 1\n"), r"syntax error"),
]


@pytest.mark.parametrize(("text", "pattern"), BAD)
def test_bad_file_is_refused_with_a_one_line_message_naming_the_field(text, pattern):
    with pytest.raises(ScenarioError, match=pattern) as info:
        loads_scenario(text, "scenario.toml")
    assert "\n" not in str(info.value)


def test_bad_file_on_disk_names_the_file_and_leaves_nothing_changed(tmp_path):
    path = tmp_path / "lecture.toml"
    path.write_text(edit("steps = 200", "steps = -5"))
    before = path.read_bytes()
    with pytest.raises(ScenarioError, match=r"^lecture\.toml line 17: \[run\] steps"):
        load_scenario(path)
    assert path.read_bytes() == before
    with pytest.raises(ScenarioError, match=r"^missing\.toml: cannot read"):
        load_scenario(tmp_path / "missing.toml")
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScenarioError, match="not a UTF-8 text file"):
        load_scenario(tmp_path / "bin.toml")


def test_frames_and_steps_per_frame():
    e = ExportSettings(fps=10, duration=1.5)
    assert e.frame_count(300) == 15
    steps = [e.step_at(i, 300) for i in range(15)]
    assert steps[0] == 0 and steps[-1] == 300 and steps == sorted(steps)
    e = ExportSettings(steps_per_frame=7)
    assert e.duration is None and e.frame_count(100) == 16
    assert [e.step_at(i, 100) for i in (0, 1, 14, 15)] == [0, 7, 98, 100]
    assert replace(e, steps_per_frame=None, duration=2.0).frame_count(10) == 60
