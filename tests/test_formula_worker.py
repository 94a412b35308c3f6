"""The formula worker: same answers as landscape_from_formula, parsing errors in-process, hung builds killed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.core.landscapes import formula_worker
from landscape_gui.core.landscapes.expressions import FormulaError, landscape_from_formula
from landscape_gui.core.landscapes.formula_worker import build_formula, check_formula, shutdown, worker_pid

#: Within every bound of the parser, yet sympy.diff takes minutes on it (over 20 s measured; it asks
#: whether tanh(...) is real, which expands the 50th power). Found by fuzzing; see expressions' docstring.
SLOW = "arccosh(tanh(((y - (x*pi*0.5)**(min(e,pi)))^2)^50))"
ROOT = Path(__file__).resolve().parents[1]


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie, e.g. an orphan that no init reaps in a container, is not running)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # pragma: no cover - no /proc
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _wait_dead(pid: int, within_s: float) -> bool:
    end = time.monotonic() + within_s
    while time.monotonic() < end:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return not _alive(pid)


def _error(call, *args, **kwargs) -> FormulaError:
    with pytest.raises(FormulaError) as info:
        call(*args, **kwargs)
    return info.value


@pytest.fixture(scope="module", autouse=True)
def _stop_the_worker_afterwards():
    yield
    shutdown()


def test_an_ok_formula_passes_and_builds_the_same_landscape():
    check_formula("x^2 + 3*sin(y)")
    land = build_formula("(x - 1)^2 + 3*y", [(-2, 3), (0, 1)])
    ref = landscape_from_formula("(x - 1)^2 + 3*y", [(-2, 3), (0, 1)])
    assert (land.id, land.name, land.formula, land.domain) == (ref.id, ref.name, ref.formula, ref.domain)
    assert land.symbols == ref.symbols
    pts = np.array([[0.5, 0.25], [-1.5, 0.75], [2.0, 0.0]])
    for method in ("value", "grad", "hessian"):
        np.testing.assert_array_equal(getattr(land, method)(pts), getattr(ref, method)(pts))
    assert worker_pid() is not None


@pytest.mark.parametrize("text", ["sin(x", "x +", "2x", "sinn(x)", "x # y", "", "x ^ y ^ x ^ y"])
def test_parsing_errors_are_answered_in_process_without_starting_the_child(text):
    shutdown()
    want = _error(landscape_from_formula, text)
    got = _error(check_formula, text)
    assert (str(got), got.column) == (str(want), want.column)
    got = _error(build_formula, text)
    assert (str(got), got.column) == (str(want), want.column)
    assert worker_pid() is None


def test_build_errors_come_back_from_the_child_with_the_exact_message(monkeypatch):
    def in_process(*args, **kwargs):  # the child does not see this patch
        raise AssertionError("built in the parent")

    check_formula("x")  # the child is warm
    monkeypatch.setattr(formula_worker, "landscape_from_formula", in_process)
    err = _error(check_formula, "sqrt(-1 - x**2)")
    assert str(err) == "the formula has no real value anywhere in the domain"
    assert err.column is None
    err = _error(check_formula, "sqrt(x) + y", [(-5, -1), (0, 1)])  # the domain travels too
    assert str(err) == "the formula has no real value anywhere in the domain"
    check_formula("sqrt(x) + y", [(1, 5), (0, 1)])


def test_a_bad_domain_gets_the_same_message_as_landscape_from_formula():
    for domain in ([(1, 1)], [(0, float("inf"))], [("a", 1)], [(1,)]):
        want = _error(landscape_from_formula, "x", domain)
        assert str(_error(check_formula, "x", domain)) == str(want)


def test_a_slow_formula_times_out_the_child_is_killed_and_the_next_call_works():
    check_formula("x^2")  # start the child first: its start is not part of the timeout
    pid = worker_pid()
    err = _error(check_formula, SLOW, timeout_s=1.0)
    assert str(err) == "formula is too complex to differentiate in time (over 1 s)"
    assert not _alive(pid)
    assert worker_pid() is None
    check_formula("x^2 + y")
    assert worker_pid() not in (None, pid)
    assert str(_error(build_formula, SLOW, timeout_s=0.5)) == (
        "formula is too complex to differentiate in time (over 0.5 s)"
    )


def test_calls_from_four_threads_all_get_their_own_answers():
    cases = [
        ("x^2 + y^2", None),
        ("sqrt(-1 - x**2)", "the formula has no real value anywhere in the domain"),
        ("sin(x", "unbalanced parenthesis at column 4"),
        ("exp(x) * cos(y)", None),
        ("log(-2 - x^2)", "the formula has no real value anywhere in the domain"),
        ("x + z", "unknown variable 'z' at column 5"),
    ]
    failures: list[str] = []

    def work(offset: int) -> None:
        for i in range(12):
            text, want = cases[(i + offset) % len(cases)]
            try:
                check_formula(text)
                got = None
            except FormulaError as err:
                got = str(err)
            if got != want:
                failures.append(f"{text}: {got!r} != {want!r}")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert failures == []


def test_shutdown_leaves_no_child_process():
    check_formula("x")
    pid = worker_pid()
    assert pid is not None and _alive(pid)
    shutdown()
    assert worker_pid() is None
    assert not _alive(pid)
    shutdown()  # twice is fine


def test_once_the_interpreter_exits_no_child_is_started(monkeypatch):
    """Issue 28, item 2: a formula check still running on a thread when the app exits started a fresh child
    after the exit's shutdown, which outlived the app (until its watchdog ran); from the exit on, checks build
    in this process."""
    check_formula("x")
    pid = worker_pid()
    monkeypatch.setattr(
        formula_worker, "_unavailable", False
    )  # restored afterwards, as is the module's state
    formula_worker._shutdown_at_exit()  # what atexit runs
    assert worker_pid() is None and not _alive(pid)
    check_formula("x**2 + sin(y)")  # built here
    assert build_formula("x**2 + y").dim == 2 and worker_pid() is None


def test_other_exceptions_become_one_line_messages():
    msg = formula_worker._one_line(RuntimeError("deep\n  inside sympy"))
    assert msg == "the formula cannot be built (RuntimeError: deep inside sympy)"
    assert formula_worker._one_line(RecursionError()) == "the formula cannot be built (RecursionError)"


def _run_script(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_works_from_a_dash_c_main_and_the_child_dies_with_its_parent():
    result = _run_script(
        """
        import os, sys
        from landscape_gui.core.landscapes.formula_worker import build_formula, check_formula, worker_pid
        land = build_formula("x^2 + y")
        try:
            check_formula("sqrt(-1 - x**2)")
        except Exception as err:
            print(err)
        print(land.name)
        print(worker_pid(), flush=True)
        os._exit(0)  # no atexit, no multiprocessing clean-up: the child must see the pipe close
        """
    )
    assert result.returncode == 0, result.stderr
    message, name, pid = result.stdout.splitlines()
    assert message == "the formula has no real value anywhere in the domain"
    assert name == "f(x, y) = x^2 + y"
    assert _wait_dead(int(pid), 5.0)


def test_a_busy_child_dies_when_its_parent_is_killed():
    result = _run_script(
        """
        import os, sys, threading, time
        from landscape_gui.core.landscapes import formula_worker as fw
        fw.check_formula("x")
        threading.Thread(target=fw.check_formula, args=(sys.argv[1],), kwargs={"timeout_s": 60}, daemon=True).start()
        time.sleep(0.5)  # the child is now deep inside sympy.diff
        print(fw.worker_pid(), flush=True)
        os._exit(0)
        """,
        SLOW,
    )
    assert result.returncode == 0, result.stderr
    assert _wait_dead(int(result.stdout.strip()), 5.0)
