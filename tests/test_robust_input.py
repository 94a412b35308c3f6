"""Hostile input refused in one line, the same way wherever it comes in (issue 12, items 1, 3, 4, 5, 7, 8, 12).

Domains (item 1), nested arrays (3), FIFOs and devices (7), a BOM (12) through the scenario reader and the
command line; ``trace``'s numeric options bounded (4, 8), its JSON strict (5) and streamed (4); no numpy
warning on stderr from a command that succeeds (12). The window's side of these is in tests/gui.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys

import pytest

from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.scenario.files import ScenarioError, load_scenario, loads_scenario

MAX_BOUND = (
    1e6  # landscape_gui.core.landscapes.domain.MAX_BOUND (spelt out: these tests also run against older code)
)

BOOTH = '[landscape]\nfunction = "booth"\n{domain}\n[[optimizers]]\nid = "gd"\n[run]\nstarts = [[0.0, 0.0]]\n'


def cli(*args, cwd=None, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "landscape_gui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "XDG_CONFIG_HOME": str(cwd or "/nonexistent")},
    )


def one_line_error(r, *needles):
    assert r.returncode == 2, (r.returncode, r.stderr[-1500:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("landscape-gui: error: "), r.stderr[-1500:]
    for n in needles:
        assert n in lines[0], lines[0]
    assert r.stdout == ""


# -- 1. domains ------------------------------------------------------------------------------------------
BAD_DOMAINS = [
    ([(-1e154, 1e154), (-1, 1)], "x: bounds must lie within"),
    ([(-1, 1), (0, 2 * MAX_BOUND)], "y: bounds must lie within"),
    ([(1, 1), (0, 1)], "x: low 1 must be below high 1"),
    ([(0, 1), (3, 2)], "y: low 3 must be below high 2"),
    ([(0, 5e-324), (0, 1)], "x: interval 0 … 4.94066e-324 is too narrow"),
    ([(1e5, 1e5 + 1e-6), (0, 1)], "x: interval 100000 … 100000.000001 is too narrow"),
    ([(0, math.inf), (0, 1)], "x: bounds must be finite"),
    ([(math.nan, 1), (0, 1)], "x: bounds must be finite"),
]


@pytest.mark.parametrize(("domain", "message"), BAD_DOMAINS)
def test_every_entry_point_refuses_a_bad_domain_naming_the_axis(tmp_path, domain, message):
    flat = ",".join(repr(float(v)) for iv in domain for v in iv)
    one_line_error(cli("critical", "--function", "booth", f"--domain={flat}", cwd=tmp_path), message)
    with pytest.raises(ValueError, match=message):  # what the window's fields and a restored session use
        get_landscape("booth").with_domain(domain)
    if all(math.isfinite(v) for iv in domain for v in iv):  # TOML cannot write nan/inf with these numbers
        text = BOOTH.format(
            domain=f"domain = [[{domain[0][0]!r}, {domain[0][1]!r}], [{domain[1][0]!r}, {domain[1][1]!r}]]"
        )
        with pytest.raises(ScenarioError, match=f"line 3: \\[landscape\\] domain: {message}"):
            loads_scenario(text, "s.toml")
    from landscape_gui.core.landscapes.domain import DomainError, check_domain

    with pytest.raises(DomainError, match=message):
        check_domain(domain, 2)


def test_a_formula_domain_is_checked_the_same_way():
    from landscape_gui.core.landscapes.expressions import FormulaError, landscape_from_formula

    with pytest.raises(FormulaError, match="y: bounds must lie within"):
        landscape_from_formula("x*y", [(0, 1), (-1e154, 1e154)])


def test_domain_limits_leave_every_built_in_and_ordinary_domains_alone():
    from landscape_gui.core.landscapes.domain import check_domain
    from landscape_gui.core.landscapes.library import LANDSCAPE_IDS

    for lid in LANDSCAPE_IDS:
        landscape = get_landscape(lid)
        assert landscape.with_domain(landscape.domain).domain == landscape.domain
    assert check_domain([(-MAX_BOUND, MAX_BOUND), (0.0, 1e-9)], 2) == ((-1e6, 1e6), (0.0, 1e-9))


# -- 3. nesting, 7. not a regular file, 12. BOM ---------------------------------------------------------
def test_deeply_nested_arrays_give_one_line_in_every_reader(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    medium = tmp_path / "medium.toml"  # deep enough to refuse, not deep enough to exhaust the stack
    medium.write_text(BOOTH.format(domain="") + "x = " + "[" * 40 + "]" * 40 + "\n")
    for path in (deep, medium):
        with pytest.raises(ScenarioError) as e:
            load_scenario(path)
        assert str(e.value) == f"{path.name}: arrays or tables nested more than 32 levels deep"
        one_line_error(cli("export", str(path), "-o", "x.gif", cwd=tmp_path), "nested more than 32 levels")


def test_only_regular_files_of_bounded_size_are_read(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    one_line_error(cli("export", str(fifo), "-o", "x.gif", cwd=tmp_path, timeout=30), "pipe.toml", "a FIFO")
    one_line_error(cli("export", str(zero), "-o", "x.gif", cwd=tmp_path, timeout=30), "zero.toml", "a device")
    from landscape_gui.core.scenario.files import MAX_FILE_BYTES

    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * MAX_FILE_BYTES + "\n")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    cases = {fifo: "a FIFO", zero: "a device", big: "too large", folder: "a folder"}
    for path, what in cases.items():
        with pytest.raises(ScenarioError, match=what):
            load_scenario(path)  # a FIFO or /dev/zero read would hang: pytest-timeout fails it then


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BOOTH.format(domain="domain = [[-1.0, 1.0], [0.0, 2.0]]").encode())
    assert load_scenario(path).landscape.domain == ((-1.0, 1.0), (0.0, 2.0))
    bad = tmp_path / "badbom.toml"
    bad.write_bytes(b"\xef\xbb\xbf" + BOOTH.format(domain="domain = [[1.0, 1.0], [0.0, 2.0]]").encode())
    with pytest.raises(ScenarioError, match="badbom.toml line 3: "):  # lines still counted right
        load_scenario(bad)


# -- 4, 5, 8. trace ------------------------------------------------------------------------------------------
TRACE = ("trace", "--function", "booth", "--optimizer", "gd", "--start", "0,0")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--steps", "3", "--seed=-1"], "--seed must be an integer 0 … 9223372036854775807, not -1"),
        (["--steps", "3", f"--seed={2**64}"], "--seed must be an integer"),
        (["--steps=-1"], "--steps must be 0 … 1000000, not -1"),
        (["--steps", str(10**9)], "--steps must be 0 … 1000000"),
        (["--steps", "3", "--noise=-1"], "--noise must be a finite number"),
        (["--steps", "3", "--noise", "inf"], "--noise must be a finite number"),
        (["--steps", "3", "--noise", "1e300"], "--noise must be a finite number 0 … 1e+06"),
        (["--steps", "3", "--set", "lr=nan"], "lr"),
        (["--steps", "3", "--set", "lr=1e400"], "lr"),
        (["--steps", "3", "--start", "1e400,0"], "malformed start"),
        (["--steps", "1000000", "--start", "1,1", "--start", "2,2", "--start", "3,3", "--start", "4,4"],
         "too long a trace"),
    ],
)  # fmt: skip
def test_trace_numeric_options_out_of_range_are_one_line_errors(tmp_path, extra, message):
    one_line_error(cli(*TRACE, *extra, cwd=tmp_path), message)  # the limit's message: refused before running


def test_trace_json_is_strict_and_non_finite_numbers_are_null(tmp_path):
    r = cli("trace", "--expr", "exp(1000*x)", "--optimizer", "gd", "--start", "0.5", "--start", "0",
            "--steps", "5", cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0 and r.stderr == "", r.stderr[-2000:]

    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    assert json.loads(r.stdout, parse_constant=refuse)["runs"][0]["status"] == "diverged"
    r = cli("trace", "--expr", "exp(1000*x)", "--optimizer", "gd", "--start", "1", "--steps", "3",
            cwd=tmp_path)  # fmt: skip  # exp(1000) overflows: the loss is inf from the start
    assert r.returncode == 0 and r.stderr == "", r.stderr[-2000:]
    run = json.loads(r.stdout, parse_constant=refuse)["runs"][0]
    assert run["status"] == "diverged" and run["loss"] == [None]


def test_trace_output_is_streamed_in_chunks_and_equals_the_whole_document(monkeypatch):
    from landscape_gui.core.analysis import trace
    from landscape_gui.core.analysis.simulation import Simulation

    monkeypatch.setattr(trace, "CHUNK", 500)  # rows per piece: small, so a short trace has many pieces

    sim = Simulation(
        get_landscape("booth"), [[0.0, 0.0], [1.0, -2.0]], [("gd", {"lr": 0.01})], max_points=None
    )
    sim.step(3 * trace.CHUNK)
    writes: list[int] = []

    class Recorder(io.StringIO):
        def write(self, s):
            writes.append(len(s))
            return super().write(s)

    out = Recorder()
    trace.write_json(sim, {"function": "booth"}, out)
    whole = {
        "function": "booth",
        "runs": [
            {"start": list(r.start), "path": sim.path(0, r.index).tolist(),
             "loss": sim.loss_history(0, r.index)[1].tolist(), "status": r.status, "reached": r.reached,
             "near": r.near, "steps": r.step, "outcome": r.label, "outside": r.outside}
            for r in sim.runs()
        ],
    }  # fmt: skip
    assert json.loads(out.getvalue()) == whole
    assert len(writes) > 10 and max(writes) < 0.3 * sum(writes)  # many pieces, none holding everything
    csv_out = io.StringIO()
    trace.write_csv(sim, ("x", "y"), csv_out)
    assert len(csv_out.getvalue().splitlines()) == 1 + 2 * (3 * trace.CHUNK + 1)


# -- 12. numpy warnings, --domain low ≥ high ----------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ("trace", "--expr", "exp(1000*x)", "--optimizer", "gd", "--start", "0.5", "--steps", "5"),
        ("trace", "--function", "booth", "--optimizer", "gd", "--set", "lr=10", "--start", "5,5", "--steps", "60"),
        ("trace", "--expr", "exp(1000*x)", "--domain", "0,1e-6", "--optimizer", "adam", "--start", "5e-7",
         "--steps", "5", "--format", "csv"),
        ("critical", "--expr", "exp(1000*x)"),
        ("critical", "--expr", "exp(300*x*y)", "--domain=-3,3,-3,3"),
    ],
)  # fmt: skip
def test_successful_commands_print_no_numpy_warnings(tmp_path, args):
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stderr == ""


def test_domain_with_low_not_below_high_says_so(tmp_path):
    one_line_error(cli("critical", "--function", "booth", "--domain", "1,1,0,1", cwd=tmp_path),
                   "bad --domain '1,1,0,1': x: low 1 must be below high 1")  # fmt: skip
    one_line_error(cli("critical", "--function", "booth", "--domain", "0,1,5,-5", cwd=tmp_path),
                   "y: low 5 must be below high -5")  # fmt: skip
    one_line_error(cli("critical", "--function", "booth", "--domain", "0,1,5", cwd=tmp_path),
                   "expected XMIN,XMAX,YMIN,YMAX")  # fmt: skip
