#!/usr/bin/env python3
"""Ctrl+C and SIGTERM at random moments of real exports: count segfaults, swallowed interrupts and leftovers.

    python benchmarks/stress_signals.py [--ctrl-c 40] [--sigterm 10] [--seed 0]

Each export is ``landscape-gui export double-well -o OUT`` (a few seconds of MP4, GIF or PNG frames at a small
size) in a fresh folder, started in its own process group. Ctrl+C is sent as a terminal sends it, to the
whole process group (the export and its ffmpeg); SIGTERM as ``timeout`` and ``kill`` send it, to the export
alone. The moment is drawn uniformly between the start of the process and the moment a plain export of the
same kind prints ``wrote OUT`` (measured first; interpreter start-up included).

Every run is one of:

- **interrupted**: exit 130/143, the one-line "export interrupted: nothing was written", an empty folder;
- **finished first**: the export had printed ``wrote OUT`` before the signal was sent, the output whole (exit
  0; 130/143 with "interrupted after OUT was complete"; or ended by the signal while exiting);
- **python start-up**: the signal came while CPython itself was starting (before any code of the program
  runs: the default handlers apply), nothing left behind;
- **crash**: killed by a signal or aborted (SIGSEGV, SIGABRT, a status < 0 or ≥ 134), "Segmentation fault"
  or "Fatal Python error" on stderr;
- **swallowed**: exit 0 although the signal came before the export finished;
- **other**: anything else (printed in full).

Independently, **leftovers** counts runs after which anything but the finished output is in the folder
(hidden ``.OUT.partial-*`` files) or a child process of the export (Xvfb, ffmpeg) is still alive. Without a
``DISPLAY`` each export starts its own Xvfb, which is part of the check.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, [])

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("clip.mp4", "clip.gif", "frames")
ARGS = ["--size", "320x240", "--fps", "15", "--duration", "3"]


def children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def run_once(out_name: str, sig: int | None, delay: float, env: dict) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="stress-"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "landscape_gui", "export", "double-well", "-o", out_name, *ARGS],
        cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    t0 = time.monotonic()
    wrote_at: list[float] = []
    lines: list[str] = []

    def pump() -> None:
        for line in proc.stdout:
            if line.startswith("wrote ") and not wrote_at:
                wrote_at.append(time.monotonic())
            lines.append(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    kids: set[int] = set()
    sent_at = None
    while sig is not None and proc.poll() is None and time.monotonic() - t0 < delay:
        kids.update(children(proc.pid))
        time.sleep(0.01)
    if sig is not None and proc.poll() is None:
        kids.update(children(proc.pid))
        sent_at = time.monotonic()
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # as a terminal's Ctrl+C: the whole foreground group
        else:
            proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    reader.join(5)
    elapsed = time.monotonic() - t0
    time.sleep(0.3)  # a parent-death signal takes a moment
    left_children = [k for k in kids if alive(k)]
    names = sorted(p.name for p in folder.iterdir())
    rc = proc.returncode
    finished_first = bool(wrote_at) and (sent_at is None or wrote_at[0] <= sent_at)
    whole = names == [out_name]
    if finished_first and whole and (rc == 0 or rc in (-2, -15) or "interrupted after" in err):
        kind = "finished first"  # the signal came while the finished export was exiting
    elif (
        sig is not None
        and not names
        and not lines
        and rc in (1, -sig)
        and (err == "" or "init_import_site" in err)
    ):
        kind = "python start-up"  # CPython's own start-up, before any of the program's code ran
    elif (
        rc is None or rc < 0 or rc in (134, 136, 139) or "Segmentation fault" in err or "Fatal Python" in err
    ):
        kind = "crash"
    elif rc == 0:
        kind = "swallowed" if sent_at is not None else "finished first"
    elif (
        sig is not None
        and rc == 128 + sig
        and err == "landscape-gui: export interrupted: nothing was written\n"
        and not names
    ):
        kind = "interrupted"
    elif sig is not None and rc == 130 and err == "landscape-gui: interrupted\n" and not names:
        kind = "interrupted"  # during start-up, before the export began
    else:
        kind = "other"
    leftovers = [n for n in names if n != out_name or kind != "finished first"] + [
        f"pid {k} alive" for k in left_children
    ]
    for p in folder.iterdir():
        if p.is_dir():
            for q in p.iterdir():
                q.unlink()
            p.rmdir()
        else:
            p.unlink()
    folder.rmdir()
    done = wrote_at[0] - t0 if wrote_at else elapsed
    return {"kind": kind, "rc": rc, "err": err, "leftovers": leftovers, "delay": delay, "elapsed": done}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ctrl-c", type=int, default=40)
    ap.add_argument("--sigterm", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    rng = random.Random(a.seed)
    base = [run_once(o, None, 0.0, env) for o in OUTPUTS]
    if any(b["kind"] != "finished first" for b in base):
        print("a plain export failed:", base)
        return 1
    length = max(b["elapsed"] for b in base)
    print(
        f'an export prints "wrote" after {length:.1f} s; display: {os.environ.get("DISPLAY") or "a private Xvfb per export"}'
    )
    plan = [(signal.SIGINT, i) for i in range(a.ctrl_c)] + [(signal.SIGTERM, i) for i in range(a.sigterm)]
    totals: dict[str, dict[str, int]] = {}
    leftovers = 0
    for n, (sig, i) in enumerate(plan):
        r = run_once(OUTPUTS[i % len(OUTPUTS)], sig, rng.uniform(0, length), env)
        name = signal.Signals(sig).name
        totals.setdefault(name, {}).setdefault(r["kind"], 0)
        totals[name][r["kind"]] += 1
        leftovers += bool(r["leftovers"])
        flag = (
            ""
            if r["kind"] in ("interrupted", "finished first", "python start-up") and not r["leftovers"]
            else "  <-- " + repr(r)
        )
        print(
            f"{n + 1:3d} {name:7s} at {r['delay']:4.2f} s: {r['kind']:14s} exit {r['rc']}{flag}", flush=True
        )
    crashes = sum(t.get("crash", 0) for t in totals.values())
    swallowed = sum(t.get("swallowed", 0) for t in totals.values())
    other = sum(t.get("other", 0) for t in totals.values())
    print()
    for name, t in totals.items():
        print(f"{name}: " + ", ".join(f"{v} {k}" for k, v in sorted(t.items())))
    print(
        f"segfaults/aborts: {crashes}   swallowed interrupts: {swallowed}   leftovers: {leftovers}   other: {other}"
    )
    return 0 if crashes == swallowed == leftovers == other == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
