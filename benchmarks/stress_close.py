#!/usr/bin/env python3
"""Close the window while each kind of background job runs: count hangs, crashes and unsaved sessions.

    xvfb-run -a -s "-screen 0 1600x1000x24" benchmarks/stress_close.py [--tries 50] [--jobs critical,...] [--seed 0]

For each kind of background job (:data:`JOBS`) the real app (``landscape-gui SCENARIO`` through
:func:`landscape_gui.cli.main`) starts in a fresh process with its own ``XDG_CONFIG_HOME`` and
``XDG_CACHE_HOME`` folders, on a scenario that starts that job; a small harness in the app (:data:`HARNESS`)
prints ``JOB`` once the job is under way. Then the window is closed, in turn by File → Quit, SIGTERM, SIGINT
and SIGHUP, after a random delay of 0 … ``--spread`` seconds (the job at a random point of its work), and the
script measures how long the app takes to end.

Every try is one of:

- **closed**: ended with the status of its closer (0 for Quit, 128 + the signal), nothing on stderr, the
  session saved, no child process of the app (formula checker, surface child) left alive;
- **hang**: still running ``--hang`` seconds (default 10) after the close (then killed with SIGKILL);
- **crash**: ended by a signal or aborted (status < 0 or ≥ 134 but not 128 + the signal sent);
- **other**: anything else (printed in full), e.g. the session not saved or a child left alive.

It prints one line per try and, per job and closer, the tries, hangs, crashes and the slowest and median time
from the close to the end of the process, with the machine's load. The job kinds:

- ``critical``: the critical-point search of the formula ``(x+y+1)**100*(x-y+2)**100``;
- ``restarts``: ``[restarts] n = 1, max_k = 50000`` (a success curve over 1 000 000 further runs of 500
  steps; max_k 100000 is refused as too much work);
- ``basins``: a 1000 × 1000 basin map of 20 000 steps;
- ``cache``: the mlp_slice landscape with an empty cache folder (the network trained for the cache);
- ``surface``: mlp_slice's loss surface, computed in the surface child (cache present);
- ``training``: mlp_slice's runs stepped as fast as possible (1000 starts).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import argparse
import contextlib
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run by ``python -c`` with the scenario path as argument; ``STRESS_JOB`` names the job to wait for,
#: ``STRESS_QUIT=1`` makes the harness trigger File → Quit itself once it printed ``JOB``.
HARNESS = r"""
import faulthandler, os, signal, sys
from PySide6.QtCore import QTimer

faulthandler.register(signal.SIGUSR1, all_threads=True)
from landscape_gui.gui import main_window

JOB = os.environ["STRESS_JOB"]
QUIT_AFTER = os.environ.get("STRESS_QUIT")

def running(w):
    if JOB == "critical":
        return w.critical_search.job.running
    if JOB == "restarts":
        return w.restarts.job.running
    if JOB == "basins":
        return w.basins.job.running
    if JOB == "surface":
        return w.data.computing
    if JOB == "training":
        return w.worker.worker.playing and w.frame is not None and w.frame.snapshot.steps.max() > 0
    return False

def quit_now():
    print("QUIT", flush=True)
    w_ref[0].acts["quit"].trigger()

def said():
    print("JOB", JOB, flush=True)
    if QUIT_AFTER is not None:
        QTimer.singleShot(int(float(QUIT_AFTER) * 1000), quit_now)

w_ref = []
if JOB == "cache":  # the network is trained for the cache while the scenario is read
    from landscape_gui.core.data import mlp_slice
    train = mlp_slice._train
    def _train(*a, **k):
        said()
        return train(*a, **k)
    mlp_slice._train = _train
    if QUIT_AFTER is not None:  # Quit comes from the window: once it is there
        said_orig = said
        def said():
            print("JOB", JOB, flush=True)
            def later():
                if not w_ref:
                    QTimer.singleShot(10, later)
                else:
                    QTimer.singleShot(int(float(QUIT_AFTER) * 1000), quit_now)
            QTimer.singleShot(0, later)

orig = main_window.MainWindow.__init__

def init(self, *a, **k):
    orig(self, *a, **k)
    w_ref.append(self)
    if JOB == "cache":
        return
    def poll():
        if self.closing:
            return
        if JOB == "training" and not self.worker.worker.playing:
            self.play()
        if running(self):
            said()
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(20, poll)

main_window.MainWindow.__init__ = init
from landscape_gui.cli import main
raise SystemExit(main(sys.argv[1:]))
"""

OPTIMIZER = '[[optimizers]]\nid = "gd"\nlr = 0.001\n'
SCENARIOS = {
    "critical": '[landscape]\nexpr = "(x+y+1)**100*(x-y+2)**100"\n\n' + OPTIMIZER + "\n[run]\nstarts = [[0.0, 0.0]]\n",
    "restarts": '[landscape]\nfunction = "rastrigin"\n\n' + OPTIMIZER
    + "\n[run]\nstarts = [[0.0, 0.0]]\nsteps = 500\n\n[restarts]\nn = 1\nmax_k = 50000\n",
    "basins": '[landscape]\nfunction = "himmelblau"\n\n' + OPTIMIZER
    + "\n[run]\nstarts = [[0.0, 0.0]]\nsteps = 20000\n\n[basins]\ngrid = 1000\n",
    "cache": '[landscape]\nfunction = "mlp_slice"\n\n' + OPTIMIZER + "\n[run]\nstarts = [[0.0, 0.0]]\n",
    "surface": '[landscape]\nfunction = "mlp_slice"\n\n' + OPTIMIZER + "\n[run]\nstarts = [[0.0, 0.0]]\n",
    "training": '[landscape]\nfunction = "mlp_slice"\n\n' + OPTIMIZER
    + "\n[run]\nsteps = 1000000\nstarts = [" + ", ".join(f"[{(i % 40) / 20 - 1:.2f}, {(i // 40) / 12.5 - 1:.2f}]" for i in range(1000)) + "]\n\n[view]\nfast = true\n",
}  # fmt: skip
JOBS = tuple(SCENARIOS)
CLOSERS = ("quit", "SIGTERM", "SIGINT", "SIGHUP")


def children(pid: int) -> set[int]:
    """The process ids of ``pid``'s children (all its threads')."""
    out: set[int] = set()
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out |= {int(c) for c in (task / "children").read_text().split()}
    except OSError:
        pass
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def warm_cache() -> Path:
    """A cache folder holding mlp_slice's trained network (copied into each try that wants it)."""
    folder = Path(tempfile.mkdtemp(prefix="stress-close-cache-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(folder), "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-c", "from landscape_gui.core.landscapes.library import get_landscape as g; g('mlp_slice')"],
        env=env, check=True,
    )  # fmt: skip
    return folder


def run_once(job: str, closer: str, delay: float, cache: Path, hang_s: float, display: str) -> dict:
    home = Path(tempfile.mkdtemp(prefix="stress-close-"))
    config, xdg_cache = home / "config", home / "cache"
    config.mkdir()
    if job == "cache":
        xdg_cache.mkdir()
    else:
        shutil.copytree(cache, xdg_cache)
    scenario = home / f"{job}.toml"
    scenario.write_text(SCENARIOS[job])
    env = {**os.environ, "XDG_CONFIG_HOME": str(config), "XDG_CACHE_HOME": str(xdg_cache), "STRESS_JOB": job,
           "DISPLAY": display, "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("QT_QPA_PLATFORM", None)
    if closer == "quit":
        env["STRESS_QUIT"] = f"{delay:.3f}"
    err_file = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - read back below
    proc = subprocess.Popen(
        [sys.executable, "-c", HARNESS, str(scenario)], env=env, stdout=subprocess.PIPE, stderr=err_file,
        text=True, cwd=home,
    )  # fmt: skip
    started, quit_at = threading.Event(), []

    def pump() -> None:
        for line in proc.stdout:
            if line.startswith("JOB"):
                started.set()
            elif line.startswith("QUIT"):
                quit_at.append(time.monotonic())

    threading.Thread(target=pump, daemon=True).start()
    kids: set[int] = set()
    t0 = time.monotonic()
    while not started.is_set() and proc.poll() is None and time.monotonic() - t0 < 120:
        kids |= children(proc.pid)
        started.wait(0.02)
    kind, rc, closed_at = None, None, None
    if not started.is_set():
        kind = "no job"  # the app ended, or the job never started
    else:
        if closer == "quit":
            closed_at = time.monotonic() + delay  # the harness triggers Quit after the delay
        else:
            end = time.monotonic() + delay
            while time.monotonic() < end and proc.poll() is None:
                kids |= children(proc.pid)
                time.sleep(0.01)
            kids |= children(proc.pid)
            closed_at = time.monotonic()
            if proc.poll() is None:
                proc.send_signal(getattr(signal, closer))
        while proc.poll() is None and time.monotonic() - closed_at < hang_s:
            kids |= children(proc.pid)
            time.sleep(0.005)
    ended = time.monotonic()
    if proc.poll() is None:
        if kind is None:
            kind = "hang"
        proc.send_signal(signal.SIGUSR1)  # faulthandler: where it hangs, on stderr
        time.sleep(0.5)
        proc.kill()
    rc = proc.wait()
    if closer == "quit" and quit_at:
        closed_at = quit_at[0]  # when the harness triggered File → Quit
    took = ended - closed_at if closed_at is not None else None
    time.sleep(0.2)  # a child's parent-death watch takes a moment
    left = sorted(k for k in kids if alive(k))
    err_file.seek(0)
    err = err_file.read()
    err_file.close()
    conf = config / "landscape-gui" / "landscape-gui.conf"
    saved = conf.is_file() and "session=" in conf.read_text(errors="replace")
    expect = 0 if closer == "quit" else 128 + getattr(signal, closer)
    if kind is None:
        if rc < 0 or (rc >= 134 and rc != expect) or "Segmentation fault" in err or "Fatal Python" in err:
            kind = "crash"
        elif rc == expect and saved and not left and err == "":
            kind = "closed"
        else:
            kind = "other"
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(home, ignore_errors=True)
    return {"kind": kind, "rc": rc, "took": took, "saved": saved, "left": left, "err": err[-1500:]}


def start_display() -> tuple[subprocess.Popen | None, str]:
    if os.environ.get("DISPLAY"):
        return None, os.environ["DISPLAY"]
    r, w = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(w), "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "+extension", "GLX"],
        pass_fds=(w,), stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(w)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(r, 16)
        if not chunk:
            break
        number += chunk
    os.close(r)
    return xvfb, f":{number.decode().strip()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tries", type=int, default=50, help="tries per job kind (the closers in turn)")
    ap.add_argument("--jobs", default=",".join(JOBS), help=f"comma-separated, of {', '.join(JOBS)}")
    ap.add_argument(
        "--spread", type=float, default=1.0, help="the close comes 0 … this many seconds into the job"
    )
    ap.add_argument("--hang", type=float, default=10.0, help="seconds after the close that count as a hang")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    jobs = [j for j in a.jobs.split(",") if j]
    unknown = sorted(set(jobs) - set(JOBS))
    if unknown:
        ap.error(f"unknown jobs {unknown}; known: {', '.join(JOBS)}")
    rng = random.Random(a.seed)
    xvfb, display = start_display()
    cache = warm_cache()
    print(f"display {display}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
    results: dict[tuple[str, str], list[dict]] = {}
    try:
        for job in jobs:
            for i in range(a.tries):
                closer = CLOSERS[i % len(CLOSERS)]
                delay = rng.uniform(0, a.spread)
                r = run_once(job, closer, delay, cache, a.hang, display)
                results.setdefault((job, closer), []).append(r)
                took = "—" if r["took"] is None else f"{r['took']:.2f} s"
                flag = "" if r["kind"] == "closed" else f"  <-- {r!r}"
                print(f"{job:9s} {i + 1:3d} {closer:7s} +{delay:4.2f} s: {r['kind']:7s} exit {r['rc']:4d} in {took}{flag}",
                      flush=True)  # fmt: skip
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if xvfb is not None:
            xvfb.kill()
            xvfb.wait()
    print(f"\nload average {os.getloadavg()[0]:.2f}; close → end of the process, per job and closer:")
    print(
        f"{'job':9s} {'closer':7s} {'tries':>5s} {'hangs':>5s} {'crash':>5s} {'other':>5s} {'median':>7s} {'max':>7s}"
    )
    bad = 0
    for (job, closer), rs in results.items():
        times = [r["took"] for r in rs if r["kind"] == "closed"]
        n = {k: sum(r["kind"] == k for r in rs) for k in ("hang", "crash", "other", "no job")}
        bad += n["hang"] + n["crash"] + n["other"] + n["no job"]
        med = f"{statistics.median(times):.2f}" if times else "—"
        mx = f"{max(times):.2f}" if times else "—"
        print(
            f"{job:9s} {closer:7s} {len(rs):5d} {n['hang']:5d} {n['crash']:5d} {n['other'] + n['no job']:5d} {med:>7s} {mx:>7s}"
        )
    hangs = sum(r["kind"] == "hang" for rs in results.values() for r in rs)
    tries = sum(len(rs) for rs in results.values())
    print(f"hangs: {hangs} of {tries} tries; other failures: {bad - hangs}")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
