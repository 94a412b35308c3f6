"""Issue 28 (round two of hostile input), the command line and core parts: ``basins -o`` written as exports are,
one set of limits on every command (and on the work they multiply into), basins and restarts stepping as
``trace`` steps (schedules, minibatches), the restarts summary, and the small items.

Each test names its item; each failed on the code before the fix (see the commit messages).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.cli import main
from landscape_gui.core.analysis.basins import BasinProblem, basin_map, grid_starts
from landscape_gui.core.analysis.restarts import run_restarts, success_curve
from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.landscapes.library import get_landscape

ROOT = Path(__file__).resolve().parents[1]


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, out, err, *needles):
    assert code == 2 and out == "", (code, out, err)
    assert err.startswith("landscape-gui: error: ") and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, err


# -- item 1: basins -o is written as an export is ----------------------------------------------------------
BASINS = [
    "basins",
    "--function",
    "booth",
    "--optimizer",
    "gd",
    "--set",
    "lr=0.05",
    "--grid",
    "8",
    "--steps",
    "50",
]


def test_basins_output_is_refused_when_it_exists_unless_forced(capsys, tmp_path):
    out = tmp_path / "map.png"
    out.write_bytes(b"precious")
    one_line_error(*cli(capsys, *BASINS, "-o", out), "already exists", "--force")
    assert out.read_bytes() == b"precious"
    code, text, err = cli(capsys, *BASINS, "-o", out, "--force")
    assert code == 0, err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f"wrote {out}" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]  # no temporary file left


def test_basins_output_never_follows_a_symbolic_link(capsys, tmp_path):
    target = tmp_path / "precious.png"
    target.write_bytes(b"precious")
    link = tmp_path / "map.png"
    link.symlink_to(target)
    for force in ([], ["--force"]):
        one_line_error(*cli(capsys, *BASINS, "-o", link, *force), "symbolic link")
    assert target.read_bytes() == b"precious" and link.is_symlink()


def test_basins_output_to_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "map.png"
    os.mkfifo(fifo)
    for force in ([], ["--force"]):
        r = subprocess.run(
            [sys.executable, "-m", "landscape_gui", *BASINS, "-o", str(fifo), *force],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert r.returncode == 2 and "not a regular file" in r.stderr, r.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


def _limit_file_size(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_basins_on_a_full_disk_writes_nothing_and_says_so(tmp_path):
    """A write that fails (here: past RLIMIT_FSIZE, EFBIG; Python ignores SIGXFSZ) leaves no partial map."""
    out = tmp_path / "map.png"
    r = subprocess.run(
        [sys.executable, "-m", "landscape_gui", *BASINS, "-o", str(out)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, preexec_fn=_limit_file_size(4096),
    )  # fmt: skip
    assert r.returncode != 0 and "cannot write" in r.stderr and "nothing was written" in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1 and "wrote" not in r.stdout
    assert list(tmp_path.iterdir()) == []


def test_basins_on_a_tiny_tmpfs_writes_nothing(capsys, tiny_disk):
    (tiny_disk / "filler").write_bytes(b"\0" * (250 * 1024))  # leave about 6 KiB
    out = tiny_disk / "map.png"
    one_line_error(*cli(capsys, *BASINS, "-o", out), "No space left on device", "nothing was written")
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]


# -- item 3: one set of limits, on every command, and on the work ------------------------------------------
@pytest.fixture
def no_stepping(monkeypatch):
    """Anything that would start stepping fails the test: a refused input must be refused before."""
    from landscape_gui.core.analysis import basins, restarts

    def stepped(*_, **__):
        raise AssertionError("started stepping")

    monkeypatch.setattr(basins, "basin_map", stepped)
    monkeypatch.setattr(restarts, "run_restarts", stepped)


BIG_SEED = str(10**32)
LIMIT_CASES = [
    (["basins", "--function", "booth", "--optimizer", "gd", "--steps", "100000000000000"], "--steps must be"),
    (["restarts", "--function", "booth", "--optimizer", "gd", "--n", "10", "--steps", "100000000000000"],
     "--steps must be"),
    (["basins", "--function", "booth", "--optimizer", "gd", "--seed", BIG_SEED], "--seed must be"),
    (["restarts", "--function", "booth", "--optimizer", "gd", "--n", "10", "--seed", BIG_SEED], "--seed must be"),
    (["trace", "--function", "booth", "--optimizer", "gd", "--start=0,0", "--steps", "5", "--seed", BIG_SEED],
     "--seed must be"),
    (["basins", "--function", "booth", "--optimizer", "gd", "--tol", "1e308"], "--tol must be"),
    (["restarts", "--function", "booth", "--optimizer", "gd", "--n", "10", "--tol", "1e308"], "--tol must be"),
    (["basins", "--function", "booth", "--optimizer", "gd", "--grid", "1000", "--steps", "1000000"],
     "too much work"),
    (["restarts", "--function", "booth", "--optimizer", "gd", "--n", "1000000", "--steps", "1000000"],
     "too much work"),
    (["basins", "--function", "mlp_slice", "--optimizer", "gd", "--grid", "200", "--steps", "500"],
     "too much work"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), LIMIT_CASES)
def test_every_command_refuses_what_is_out_of_limits_before_any_work(
    capsys, tmp_path, no_stepping, args, message
):
    if args[0] == "basins":
        args = [*args, "-o", tmp_path / "m.png"]
    one_line_error(*cli(capsys, *args), message)


def test_the_limits_are_the_same_for_every_way_in():
    from landscape_gui.core.analysis import trace
    from landscape_gui.core.limits import (
        MAX_NOISE,
        MAX_SEED,
        MAX_STEPS,
        MAX_TOL,
        MAX_TRACE_POINTS,
        check_work,
    )

    assert (trace.MAX_SEED, trace.MAX_NOISE, trace.MAX_TRACE_POINTS) == (
        MAX_SEED,
        MAX_NOISE,
        MAX_TRACE_POINTS,
    )
    assert MAX_SEED == 2**63 - 1 and MAX_STEPS == 1_000_000 and MAX_TOL == 1e6  # README, scenario files
    L = get_landscape("booth")
    for bad in ({"steps": MAX_STEPS + 1}, {"seed": MAX_SEED + 1}, {"tol": 1e308}, {"noise": 1e300}):
        with pytest.raises(ValueError, match="must be"):
            BasinProblem(L, "gd", **bad)
    with pytest.raises(ValueError, match="too much work"):  # the core bounds the work, not only the CLI
        basin_map(BasinProblem(L, "gd", steps=MAX_STEPS), 40)
    assert check_work(200 * 200, 500) is None and check_work(200 * 200, 500, samples=200) is not None


def test_restarts_bound_the_success_curves_runs_too(capsys, tmp_path, monkeypatch):
    """Issue 28, item 2: ``[restarts] n = 1, max_k = 100000`` was in range, yet its success curve ran 20 × max_k
    further runs (the window computed it for minutes); the work of the n runs and of the curve's own is bounded
    in the core, before any step, and the command line says which value to lower."""
    from landscape_gui.core.analysis import basins as basins_module
    from landscape_gui.core.limits import MAX_WORK

    def stepped(*_, **__):
        raise AssertionError("started stepping")

    monkeypatch.setattr(basins_module, "settle", stepped)
    from landscape_gui.core.analysis import restarts

    monkeypatch.setattr(restarts, "settle", stepped)
    runs = 1 + 20 * 100_000
    assert runs * 500 > MAX_WORK >= (1 + 20 * 50_000) * 500  # by hand: over, and half of it within
    with pytest.raises(ValueError, match=f"n 1 \\+ 20 × max_k 100000 runs: {runs} start points × 500 steps"):
        run_restarts(get_landscape("booth"), [("gd", {"lr": 0.01})], n=1, seed=0, steps=500, max_k=100_000)
    path = tmp_path / "r.toml"
    path.write_text('[landscape]\nfunction = "booth"\n\n[[optimizers]]\nid = "gd"\nlr = 0.01\n\n[run]\n'
                    "starts = [[0.0, 0.0]]\nsteps = 500\n\n[restarts]\nn = 1\nmax_k = 100000\n")  # fmt: skip
    one_line_error(*cli(capsys, "restarts", path), f"{runs} start points × 500 steps is too much work",
                   "use a smaller --n or [restarts] max_k, or fewer --steps")  # fmt: skip


# -- major item: basins and restarts step as trace does (schedule, minibatches) ---------------------------
def trace_ends(capsys, args, starts):
    code, out, err = cli(
        capsys, "trace", *args, *(f"--start={float(x)!r},{float(y)!r}" for x, y in starts), "--format", "json"
    )
    assert code == 0, err
    return np.array([run["path"][-1] for run in json.loads(out)["runs"]])


CASES = {
    "schedule": ("two_wells", {"lr": 0.05}, "step:step_size=20,gamma=0.5", None),
    "minibatches": ("two_lines", {"lr": 0.3}, None, 2),
    "both": ("two_lines", {"lr": 0.3}, "cosine:T_max=30,eta_min=0.01", 3),
    "momentum, warm-up": (
        "linreg",
        {"lr": 0.02, "momentum": 0.9},
        "linear:start_factor=0.1,total_iters=40",
        5,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_basins_and_restarts_end_where_trace_ends_each_start(capsys, case):
    fid, hp, schedule, batch = CASES[case]
    oid = "momentum" if "momentum" in hp else "gd"
    L = get_landscape(fid)
    steps, seed = 120, 3
    args = ["--function", fid, "--optimizer", oid, *(a for k, v in hp.items() for a in ("--set", f"{k}={v}")),
            "--steps", steps, "--seed", seed]  # fmt: skip
    args += ["--schedule", schedule] if schedule else []
    args += ["--batch-size", batch] if batch else []
    problem = BasinProblem(L, oid, hp, steps=steps, seed=seed, schedule=schedule, batch_size=batch)
    _, starts = grid_starts(L, 7)
    few = starts[[0, 17, 48]]
    ends = basin_map(problem, 7, retire=False).ends.reshape(-1, 2)
    np.testing.assert_array_equal(ends[[0, 17, 48]], trace_ends(capsys, args, few))
    retiring = basin_map(problem, 7)
    np.testing.assert_array_equal(retiring.labels, basin_map(problem, 7, retire=False).labels)
    (r,) = run_restarts(L, [(oid, hp, schedule)], n=6, seed=seed, steps=steps, batch_size=batch)
    np.testing.assert_array_equal(r.settled.ends, trace_ends(capsys, args, r.settled.starts))


def test_a_schedule_that_stops_the_runs_stops_them_in_basins_too(capsys, tmp_path):
    """Step schedule with gamma 0: from step 2 on the lr is 0, so no start reaches a minimum (trace stays put)."""
    code, out, err = cli(capsys, "basins", "--function", "himmelblau", "--optimizer", "gd", "--set", "lr=0.01",
                         "--schedule", "step:step_size=1,gamma=0", "--grid", "10", "--steps", "100",
                         "-o", tmp_path / "m.png", "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["schedule"] == {"name": "step", "step_size": 1, "gamma": 0.0} and data["batch_size"] is None
    assert data["global_share"] == 0.0
    assert [o["share"] for o in data["outcomes"] if o["kind"] == "not_settled"] == [1.0]


def test_basins_and_restarts_of_a_preset_use_its_schedule_and_batch_size(capsys, tmp_path):
    code, out, err = cli(capsys, "basins", "minibatch-escape", "--grid", "6", "--steps", "40",
                         "-o", tmp_path / "m.png", "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    from landscape_gui.core.scenario.presets import load_preset

    s = load_preset("minibatch-escape")
    assert data["batch_size"] == s.batch_size is not None
    assert data["schedule"]["name"] == (
        s.optimizers[0].schedule.id if s.optimizers[0].schedule else "constant"
    )
    code, out, err = cli(
        capsys, "restarts", "minibatch-escape", "--n", "5", "--steps", "40", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["batch_size"] == s.batch_size


def test_the_basins_a_scenario_shows_end_where_its_own_runs_end(capsys, tmp_path):
    """The window's and the export's basins (presenter.basin_problem) and ``basins SCENARIO --optimizer``: the
    chosen optimizer's schedule, the scenario's minibatches and noise, drawn from that optimizer's stream (the
    second here), exactly as the scenario's simulation steps it."""
    from dataclasses import replace

    from landscape_gui.cli import build_parser
    from landscape_gui.cli.analysis import analysis_inputs, basins_json
    from landscape_gui.core.analysis.basins import settle
    from landscape_gui.core.frames.presenter import basin_problem
    from landscape_gui.core.optimizers.schedules import parse_schedule
    from landscape_gui.core.scenario.files import save_scenario
    from landscape_gui.core.scenario.model import BasinSettings, LandscapeSpec, OptimizerSpec, Scenario

    starts = ((0.4, -0.3), (1.2, 0.5), (-0.6, 0.8))
    s = Scenario(
        LandscapeSpec("two_lines"),
        (OptimizerSpec("gd", {"lr": 0.3}), OptimizerSpec("momentum", {"lr": 0.05, "momentum": 0.9},
                                                         schedule=parse_schedule("cosine:T_max=30"))),
        starts, steps=60, noise=0.05, seed=4, batch_size=3, basins=BasinSettings(grid=6, optimizer=1),
    )  # fmt: skip
    L = s.build_landscape()
    problem = basin_problem(s, L)
    assert (problem.schedule, problem.batch_size, problem.group) == (s.optimizers[1].schedule, 3, 1)
    sim = s.build_simulation(landscape=L)
    sim.step(s.steps)
    np.testing.assert_array_equal(settle(problem, np.array(starts)).ends, sim.positions()[1])
    # the command line: the same problem from the scenario file, so the same map
    path = tmp_path / "s.toml"
    save_scenario(replace(s, basins=None), path)
    args = ["basins", str(path), "--optimizer", "momentum", "-o", str(tmp_path / "m.png"), "--grid", "6"]
    assert analysis_inputs(build_parser().parse_args(args)).problem(1e-3) == problem
    code, out, err = cli(capsys, *args, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["outcomes"] == basins_json(basin_map(problem, 6), "two_lines")["outcomes"]


# -- restarts: best run, shares, success curve, wording ---------------------------------------------------
def test_the_best_run_stayed_in_the_domain(capsys):
    """A run that left the domain (here: down the slope of a maximum, tol wide enough to count it as having
    reached that maximum) is never the best run, however low its loss."""
    code, out, err = cli(capsys, "restarts", "--expr", "-(x**2 + y**2)", "--domain=-2,2,-2,2", "--optimizer", "gd",
                         "--set", "lr=0.1", "--steps", "20", "--n", "50", "--tol", "1e6", "--format", "json")  # fmt: skip
    assert code == 0, err
    best = json.loads(out)["best"]
    assert best is None or all(-2 <= c <= 2 for c in best["end"])


def test_best_run_is_one_rule_lowest_loss_first_of_equals():
    from landscape_gui.core.analysis.status import best_run

    assert best_run([3.0, 1.0, 1.0, 0.5], [True, True, True, False]) == 1
    assert best_run([np.nan, np.inf, 2.0]) == 2
    assert best_run([1.0, 2.0], [False, False]) is None


def test_shares_are_exact_fractions_of_counts(capsys, tmp_path):
    """Himmelblau on a 17 × 17 grid: every start reaches a global minimum; the float sum of the four shares
    is 0.9999999999999999, the count over the total is 1.0."""
    code, out, err = cli(capsys, "basins", "--function", "himmelblau", "--optimizer", "gd", "--set", "lr=0.01",
                         "--grid", "17", "--steps", "300", "-o", tmp_path / "m.png", "--format", "json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["global_share"] == 1.0


def test_restarts_that_never_succeed_are_worded_as_such(capsys):
    code, out, _ = cli(capsys, "restarts", "--function", "booth", "--optimizer", "gd", "--set", "lr=1e-6",
                       "--steps", "3", "--n", "20")  # fmt: skip
    assert code == 0 and "never restarts" not in out
    assert "no run reached the global minimum" in out


def test_success_curve_costs_linear_memory_in_max_k():
    """Resampling k runs for every k up to max_k was samples × max_k² draws (max_k 5000: 54 s); the pool of
    runs cut into groups of k costs the pool and one index per group."""
    success = np.arange(10_000) % 97 == 0
    ks = np.arange(1, 501)
    tracemalloc.start()
    try:
        measured, groups = success_curve(success, ks)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 512 * 1024, peak  # was 8 MB for this k (2000 × 500 int64 draws) and growing with k
    # one success in every 97 runs: a group of k consecutive runs holds one unless it fits in a gap of 96
    assert measured[96] == 1.0 and groups[0] == 10_000 and measured[0] == pytest.approx(104 / 10_000)


# -- item 6: the mlp_slice cache is not trusted ------------------------------------------------------------
SMALL_CODE = (
    "from landscape_gui.core.data.mlp_slice import SliceSettings, trained_slice\n"
    "trained_slice(SliceSettings(sizes=(2, 4, 2), samples=40, schedule=((200, 0.02),)))\n"
    "print('built')\n"
)


def small_settings():
    from landscape_gui.core.data.mlp_slice import SliceSettings

    return SliceSettings(sizes=(2, 4, 2), samples=40, schedule=((200, 0.02),))


def cache_file(tmp_path, settings) -> Path:
    folder = tmp_path / "landscape-gui"
    folder.mkdir(exist_ok=True)
    return folder / f"mlp_slice-{settings.key()}.npz"


def test_a_fifo_at_the_cache_path_does_not_hang(tmp_path):
    path = cache_file(tmp_path, small_settings())
    os.mkfifo(path)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-c", SMALL_CODE], env=env, capture_output=True, text=True, timeout=120
    )
    assert (r.returncode, r.stdout) == (0, "built\n"), r.stderr[-2000:]
    assert path.is_file()  # replaced by a regular cache file


@pytest.mark.parametrize(
    "craft",
    ["eta zero", "delta times 1e200", "theta moved", "untrained theta", "loss lies", "extra member"],
)
def test_a_crafted_but_well_formed_cache_is_rebuilt(tmp_path, monkeypatch, craft):
    from landscape_gui.core.data import mlp_slice

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    settings = small_settings()
    good = mlp_slice.build_mlp_slice(settings).extra["network"]
    path = cache_file(tmp_path, settings)
    with np.load(path) as f:
        arrays = {k: np.array(f[k]) for k in f.files}
    net = mlp_slice.Network(tuple(settings.sizes), settings.weight_decay)
    if craft == "eta zero":
        arrays["eta"] = np.zeros_like(arrays["eta"])
    elif craft == "delta times 1e200":
        arrays["delta"] = arrays["delta"] * 1e200
    elif craft == "theta moved":  # its loss recomputed, so that it "gives back its recorded loss"
        arrays["theta"] = arrays["theta"] + 0.5
        arrays["loss"] = np.array(net.loss(arrays["theta"], settings.data().x, settings.data().y))
    elif craft == "untrained theta":  # θ = 0 is a stationary point with loss ln 2, the directions zero
        arrays["theta"] = np.zeros_like(arrays["theta"])
        arrays["delta"] = np.zeros_like(arrays["delta"])
        arrays["eta"] = np.zeros_like(arrays["eta"])
        arrays["loss"] = np.array(net.loss(arrays["theta"], settings.data().x, settings.data().y))
    elif craft == "loss lies":
        arrays["loss"] = arrays["loss"] * 0.5
    else:
        arrays["extra"] = np.zeros(3)
    np.savez(path, **arrays)
    rebuilt = mlp_slice.build_mlp_slice(settings)
    assert rebuilt.extra["network"] == good
    assert np.isfinite(rebuilt.value(np.array([[0.1, -0.2]]))).all()


def test_a_cache_that_would_decompress_to_gigabytes_is_not_loaded(tmp_path, monkeypatch):
    """A zip member deflated from 64 MB of zeros (a few dozen KB on disk): its declared size is checked
    before anything is decompressed (it drove the resident memory to gigabytes at 2 GB)."""
    import zipfile

    from landscape_gui.core.data import mlp_slice

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    settings = small_settings()
    path = cache_file(tmp_path, settings)
    n = 8 * 1024 * 1024
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = (n,)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("theta.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array_header_1_0(f, header)
            zeros = bytes(1024 * 1024)
            for _ in range(8 * n // len(zeros)):
                f.write(zeros)
        for name in ("delta", "eta", "loss"):
            with z.open(f"{name}.npy", "w") as f:
                np.lib.format.write_array(f, np.zeros(3))
    tracemalloc.start()
    try:
        mlp_slice.trained_slice(settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak


def test_ctrl_c_while_the_cache_is_written_leaves_no_temporary_file(tmp_path, monkeypatch):
    from landscape_gui.core.data import mlp_slice

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def interrupted(*_, **__):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        mlp_slice.trained_slice(small_settings())
    assert list((tmp_path / "landscape-gui").iterdir()) == []


def test_a_relative_xdg_cache_home_is_ignored(tmp_path, monkeypatch):
    from landscape_gui.core.data.mlp_slice import cache_dir

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cache_dir() == tmp_path / ".cache" / "landscape-gui"


# -- minor items --------------------------------------------------------------------------------------------
LONG = "x+" * 10_000 + "y"  # 20 KB


@pytest.mark.parametrize(
    "args",
    [
        ["critical", "--expr", LONG + "+"],
        ["critical", "--expr", LONG],
        ["critical", "--function", LONG],
        ["trace", "--function", "booth", "--optimizer", LONG, "--start=0,0", "--steps", "1"],
        ["trace", "--function", "booth", "--optimizer", "gd", "--set", LONG, "--start=0,0", "--steps", "1"],
        ["trace", "--function", "booth", "--optimizer", "gd", "--start", LONG, "--steps", "1"],
        [
            "trace",
            "--function",
            "booth",
            "--optimizer",
            "gd",
            "--start=0,0",
            "--steps",
            "1",
            "--schedule",
            LONG,
        ],
        ["critical", "--function", "booth", "--domain", LONG],
        [LONG, "x"],
    ],
)
def test_errors_echo_a_shortened_copy_of_long_input(capsys, args):
    code, out, err = cli(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and len(err) < 600, len(err)  # a list of known names at most


def test_a_tiny_constant_is_too_small_not_too_large(capsys):
    one_line_error(*cli(capsys, "critical", "--expr", "1e-320*x**2"), "too small")


def test_a_schedule_parameter_given_twice_is_refused(capsys):
    args = ["trace", "--function", "booth", "--optimizer", "gd", "--start=0,0", "--steps", "1"]
    one_line_error(*cli(capsys, *args, "--schedule", "cosine:T_max=10,T_max=20"), "T_max", "twice")
    one_line_error(*cli(capsys, *args, "--set", "lr=0.1", "--set", "lr=0.2"), "lr", "twice")


def test_a_run_frozen_by_a_zero_learning_rate_is_not_oscillating():
    sim = Simulation(
        get_landscape("himmelblau"), [[0.0, 0.0]], [("gd", {"lr": 0.01}, "step:step_size=1,gamma=0")]
    )
    sim.step(200)
    (run,) = sim.runs()
    assert run.label == "not moving (zero step)" and not run.oscillating


def test_a_long_title_is_refused_where_the_scenario_is_read(tmp_path):
    """A 1 MB title made an export take 67 s (it is drawn into every frame)."""
    from landscape_gui.core.scenario.files import ScenarioError, load_scenario

    body = '[landscape]\nfunction = "booth"\n\n[[optimizers]]\nid = "gd"\n\n[run]\nstarts = [[0.0, 0.0]]\n'
    for key in ("title", "description"):
        path = tmp_path / f"{key}.toml"
        path.write_text(f'version = 1\n{key} = "{"a" * 1_000_000}"\n\n' + body, encoding="utf-8")
        with pytest.raises(ScenarioError, match=f"line 2: {key}: is 1000000 characters long; at most"):
            load_scenario(path)
        path.write_text(f'version = 1\n{key} = "{"a" * 100}"\n\n' + body, encoding="utf-8")
        assert len(getattr(load_scenario(path), key)) == 100


def test_trace_state_is_streamed_not_held_as_dicts(tmp_path, monkeypatch):
    """--state held ~1.2 KB of Python objects per step and start before printing; now float64 arrays."""
    out = (tmp_path / "trace.json").open("w")
    monkeypatch.setattr(sys, "stdout", out)
    args = ["trace", "--function", "himmelblau", "--optimizer", "adam", "--start=0,0", "--start=1,1",
            "--steps", "20000", "--state"]  # fmt: skip
    tracemalloc.start()
    try:
        assert main(args) == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        out.close()
    data = json.loads((tmp_path / "trace.json").read_text())
    assert [len(r["state"]) for r in data["runs"]] == [20000, 20000]
    assert set(data["runs"][0]["state"][-1]) == {"lr", "exp_avg", "exp_avg_sq"}
    assert peak < 16 * 1024 * 1024, peak  # 40 000 entries as dicts: ~50 MB


SCENARIO_STATE = """version = 1
[landscape]
expr = "x**2 + 10*y**2"
domain = [[-2.0, 2.0], [-2.0, 2.0]]

[[optimizers]]
id = "gd"
lr = 0.01

[[optimizers]]
id = "momentum"
lr = 0.01
momentum = 0.9

[run]
starts = [[1.0, 1.0], [-1.5, 0.5]]
steps = STEPS
"""


def test_a_scenario_trace_state_is_streamed_for_every_optimizer(tmp_path):
    """trace SCENARIO --state (several optimizers, each with its own buffers) keeps the states as arrays too:
    what the command does (record_steps, then write_json), measured once the landscape's critical points are
    found (a one-time search of ~16 MB, the same with or without --state)."""
    from landscape_gui.core.analysis.trace import (
        record_steps,
        scenario_header,
        scenario_run_fields,
        write_json,
    )
    from landscape_gui.core.scenario.files import loads_scenario

    s = loads_scenario(SCENARIO_STATE.replace("STEPS", "10000"))
    landscape = s.build_landscape()
    warm = s.build_simulation(landscape=landscape, max_points=None)
    warm.step(300)
    warm.runs()  # converged runs: the critical points are searched for once per landscape
    sim = s.build_simulation(landscape=landscape, max_points=None)
    with (tmp_path / "trace.json").open("w") as out:
        tracemalloc.start()
        try:
            state, extras = record_steps(sim, s.steps, state=True)
            write_json(
                sim, scenario_header(s, sim), out, extras, run_fields=scenario_run_fields(s, sim), state=state
            )
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    runs = json.loads((tmp_path / "trace.json").read_text())["runs"]
    assert [(r["optimizer"], len(r["state"])) for r in runs] == [
        (o, 10000) for o in ("gd",) * 2 + ("momentum",) * 2
    ]
    assert peak < 12 * 1024 * 1024, peak  # measured 7.5 MB; the 40 000 entries held as dicts: 20 MB


def test_a_scenario_trace_state_gives_each_run_its_own_optimizers_buffers(capsys, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO_STATE.replace("STEPS", "50"), encoding="utf-8")
    code, out, err = cli(capsys, "trace", path, "--state")
    assert code == 0, err
    runs = json.loads(out)["runs"]
    assert [(r["optimizer"], len(r["state"])) for r in runs] == [("gd", 50)] * 2 + [("momentum", 50)] * 2
    assert all(e == {"lr": 0.01} for r in runs[:2] for e in r["state"])
    for run, start in zip(runs[2:], ([1.0, 1.0], [-1.5, 0.5]), strict=True):  # torch.optim.SGD's momentum
        theta, buf = np.array(start), np.zeros(2)
        for t in range(50):
            buf = 0.9 * buf + np.array([2.0, 20.0]) * theta
            theta = theta - 0.01 * buf
            assert run["state"][t]["lr"] == 0.01
            np.testing.assert_allclose(run["state"][t]["momentum_buffer"], buf, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(run["path"][t + 1], theta, rtol=1e-12, atol=1e-15)


def test_a_scenario_trace_state_as_csv_leaves_a_buffer_an_optimizer_lacks_empty(capsys, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO_STATE.replace("STEPS", "3"), encoding="utf-8")
    code, out, err = cli(capsys, "trace", path, "--state", "--format", "csv")
    assert code == 0, err
    rows = [line.split(",") for line in out.splitlines()]
    assert rows[0] == ["run", "optimizer", "step", "x", "y", "loss", "status", "lr", "momentum_buffer_x",
                       "momentum_buffer_y"]  # fmt: skip
    by_run = {(r[0], r[2]): r for r in rows[1:]}
    assert len(rows) == 1 + 4 * 4 and by_run["0", "0"][7:] == ["", "", ""]
    assert by_run["0", "1"][7:] == ["0.01", "", ""]  # gd keeps no buffer
    assert by_run["2", "1"][7:] == ["0.01", "2.0", "20.0"]  # momentum's first buffer: the gradient at (1, 1)


def test_a_path_that_is_not_a_scenario_is_said_to_be_one(capsys):
    one_line_error(*cli(capsys, "/dev/zero"), "'/dev/zero' is not a scenario file")
    one_line_error(*cli(capsys, "tracee"), "unknown command 'tracee'")
