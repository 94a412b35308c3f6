"""Closing the window during each kind of background job, the basins dock while it computes, and a settings file
or saved session that cannot be trusted (issue 28: item 2's window part, the saved session's limits, the
settings file, the basins message).

The close tests are a few tries of ``benchmarks/stress_close.py`` (which runs 50 per job and times them): the
real app in a child process on a scenario that starts the job, closed once the app says the job is under way.
They wait on events (the app's ``JOB`` line, the process's end); the 120 s bound only stops a hung app.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from stress_close import CLOSERS, HARNESS, JOBS, SCENARIOS, alive, children  # noqa: E402

HANG_GUARD_S = 120  # only a hung app gets there


def _close_during(job: str, closer: str, tmp_path: Path) -> tuple[int, str, bool, list[int]]:
    """Start the app on ``job``'s scenario, close it by ``closer`` once the job runs: (status, stderr, whether
    the session was saved, children of the app still alive)."""
    config, cache = tmp_path / "config", tmp_path / "cache"
    config.mkdir()
    cache.mkdir()
    scenario = tmp_path / f"{job}.toml"
    scenario.write_text(SCENARIOS[job])
    env = {**os.environ, "XDG_CONFIG_HOME": str(config), "XDG_CACHE_HOME": str(cache), "STRESS_JOB": job}
    env.pop("QT_QPA_PLATFORM", None)
    if closer == "quit":
        env["STRESS_QUIT"] = "0"
    err = open(tmp_path / "stderr.txt", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-c", HARNESS, str(scenario)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=err, text=True)  # fmt: skip
    started = threading.Event()
    kids: set[int] = set()

    def pump() -> None:
        for line in proc.stdout:
            if line.startswith("JOB"):
                kids.update(children(proc.pid))  # the formula checker, the surface child
                started.set()

    threading.Thread(target=pump, daemon=True).start()
    try:
        assert started.wait(HANG_GUARD_S), "the job never started"
        if closer != "quit":
            proc.send_signal(getattr(signal, closer))
        status = proc.wait(HANG_GUARD_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err.seek(0)
    text = err.read()
    err.close()
    conf = config / "landscape-gui" / "landscape-gui.conf"
    saved = conf.is_file() and "session=" in conf.read_text(errors="replace")
    return status, text, saved, [_outlives(k) for k in sorted(kids) if _outlives(k)]


def _outlives(pid: int) -> str:
    """'' once ``pid`` (a child of the app that ended) has ended too, else its command line. A child may take a
    moment after the app (multiprocessing's resource tracker reads its pipe's end): its end is waited for, as
    an event (a pidfd), for at most the hang guard."""
    import select

    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return ""
    try:
        select.select([fd], [], [], HANG_GUARD_S)  # readable once the process has ended
    finally:
        os.close(fd)
    if not alive(pid):
        return ""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.parametrize(("job", "closer"), [(j, CLOSERS[i % len(CLOSERS)]) for i, j in enumerate(JOBS)])
def test_closing_during_a_background_job_ends_the_app_and_saves_the_session(tmp_path, job, closer):
    status, err, saved, left = _close_during(job, closer, tmp_path)
    expected = 0 if closer == "quit" else 128 + getattr(signal, closer)
    assert status == expected, (status, err[-3000:])
    assert err == "" and saved and left == []


# -- the basins dock while the basins compute ---------------------------------------------------------------
def test_the_basins_dock_says_computing_while_it_computes(window, qtbot):
    from landscape_gui.gui.basins import OFF_TEXT

    basins = window.basins
    assert basins.panel.legend.text() == OFF_TEXT  # off: says how to turn it on
    seen: list[str] = []  # the dock's text whenever the computation reports progress
    basins.job.progressed.connect(lambda _f: seen.append(basins.panel.legend.text()))
    window.acts["basins"].trigger()
    assert basins.enabled and basins.panel.legend.text() == "computing…"
    qtbot.waitUntil(lambda: bool(seen) and not basins.computing, timeout=60000)
    assert all(text != OFF_TEXT for text in seen), seen
    window.acts["basins"].trigger()  # off again: says so
    assert not basins.enabled and basins.panel.legend.text() == OFF_TEXT


def test_the_basins_of_an_opened_scenario_say_computing_from_the_start(window, qtbot, tmp_path):
    from landscape_gui.gui.basins import OFF_TEXT

    path = tmp_path / "b.toml"
    path.write_text(SCENARIOS["basins"])
    seen: list[str] = []
    window.basins.job.progressed.connect(lambda _f: seen.append(window.basins.panel.legend.text()))
    assert window.files.open_path(str(path))
    assert window.basins.enabled and window.basins.panel.legend.text() == "computing…"
    qtbot.waitUntil(lambda: len(seen) >= 2, timeout=60000)
    assert all(text != OFF_TEXT for text in seen), seen


# -- the settings file and the saved session --------------------------------------------------------------
@pytest.fixture
def settings_dir(tmp_path):
    """QSettings' user files under this test's folder; the settings file's path."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    from landscape_gui.gui.settings import take_discarded

    take_discarded()
    folder = tmp_path / "landscape-gui"
    folder.mkdir()
    return folder / "landscape-gui.conf"


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _zero_link(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _huge(path: Path) -> None:
    from landscape_gui.gui.settings import MAX_SETTINGS_BYTES

    with open(path, "wb") as f:  # sparse: nothing is written but its size
        f.truncate(MAX_SETTINGS_BYTES + 1)


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere")


@pytest.mark.parametrize(
    ("make", "why"),
    [(_fifo, "not a regular file"), (_zero_link, "not a regular file"), (_huge, "larger than"),
     (_dangling, "a link to nothing")],
)  # fmt: skip
def test_a_settings_file_that_is_not_a_bounded_regular_file_is_not_read(settings_dir, make, why):
    from landscape_gui.gui.settings import open_settings, take_discarded

    make(settings_dir)
    settings = open_settings()  # a FIFO would block here, /dev/zero fill the memory
    assert settings.allKeys() == []
    (message,) = take_discarded()
    assert message == f"settings file {settings_dir} ignored: {message.split(': ', 1)[1]}"
    assert why in message and "removed; starting afresh" in message
    assert not settings_dir.exists() and not settings_dir.is_symlink()
    assert Path("/dev/zero").exists()  # a link goes, never what it points to
    settings.setValue("k", 1)
    settings.sync()
    assert open_settings().value("k") in (1, "1") and take_discarded() == []  # and the next start is ordinary


BASE = """[landscape]
function = "booth"

[[optimizers]]
id = "gd"
lr = 0.01

[run]
starts = {starts}
steps = {steps}
{extra}
"""
SESSIONS = {
    "20 000 starts": (dict(starts="[" + ", ".join(["[0.0, 0.0]"] * 20_000) + "]"), "[run] starts: expected a list of 1 to 10000 points"),
    "steps 10**12": (dict(steps=10**12), "[run] steps: expected an integer in 0 … 1000000, got 1000000000000"),
    "steps 10**40": (dict(steps=10**40), "[run] steps: expected an integer in 0 … 1000000, got 1000000000000000000000000000000000000000"),
    "speed nan": (dict(extra="[view]\nspeed = nan"), "[view] speed: expected a number in 0.1 … 10, got nan"),
    "speed inf": (dict(extra="[view]\nspeed = inf"), "[view] speed: expected a number in 0.1 … 10, got inf"),
    "max_steps": (dict(extra="max_steps = 1000000000000"), "unknown key 'max_steps' in [run] (did you mean 'steps'?)"),
    "colormap path": (dict(extra="[view]\ncolormap = '../../../../etc/passwd'"), '[view] colormap: unknown value "../../../../etc/passwd"'),
    "seed 10**40": (dict(extra=f"seed = {10**40}"), "[run] seed: expected an integer"),
}  # fmt: skip


@pytest.mark.parametrize("case", SESSIONS)
def test_a_saved_session_out_of_limits_is_discarded_with_the_scenario_files_reason(tmp_path, case):
    from landscape_gui.core.scenario.files import ScenarioError, loads_scenario
    from landscape_gui.gui.settings import SESSION, SessionStore

    fields, reason = SESSIONS[case]
    text = BASE.format(**{"starts": "[[0.0, 0.0]]", "steps": 100, "extra": "", **fields})
    with pytest.raises(ScenarioError) as as_a_file:  # the same text as a scenario file
        loads_scenario(text, "saved session")
    settings = QSettings(str(tmp_path / "s.conf"), QSettings.Format.IniFormat)
    settings.setValue(SESSION, text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow (or any other) warning on the way
        scenario, message = SessionStore(settings).load()
    assert scenario is None
    assert (
        message == f"previous session's settings ignored: {as_a_file.value}"
    )  # one truth: the file's reason
    assert reason in message and len(message) < 300  # the user's text echoed shortened, never all of it
    assert not settings.contains(SESSION)  # discarded: the next start is an ordinary one
