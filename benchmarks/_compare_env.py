"""The benchmarks' own environment: ``benchmarks/.venv-compare``, never the app's ``.venv``.

A benchmark run as a script calls :func:`ensure_env` before importing anything else. Run by any Python ≥ 3.11
(its ``#!/usr/bin/env python3`` line, or ``python benchmarks/...``), it makes the environment on first use
(the app, editable, plus what the comparison needs: torch, matplotlib), then runs itself again inside it
with the same arguments. Later runs only check that the requirements are there. ``--help`` prints the
script's description and installs nothing.

The benchmarks never read or write the user's settings: ``XDG_CONFIG_HOME`` points into the environment's
folder for the benchmark and every process it starts.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".venv-compare"


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _inside() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _stamp(requirements: Sequence[str]) -> Path:
    """A file that says these requirements and this pyproject.toml were installed."""
    key = "\n".join(sorted(requirements)) + (ROOT / "pyproject.toml").read_text("utf-8")
    return VENV / f".installed-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def ensure_env(doc: str | None, requirements: Sequence[str] = ()) -> None:
    """Answer ``--help``, or make sure this script runs in ``benchmarks/.venv-compare`` with ``requirements``."""
    if {"-h", "--help"} & set(sys.argv[1:]):
        print((doc or "").strip())
        raise SystemExit(0)
    os.environ.setdefault("XDG_CONFIG_HOME", str(VENV / "config"))
    if _inside() and _stamp(requirements).exists():
        return
    if sys.version_info < (3, 11):  # noqa: UP036 - the #! line may find an older python3
        raise SystemExit(f"the benchmarks need Python 3.11 or newer (this is {sys.version.split()[0]})")
    if not _python().exists():
        print(f"making {VENV.relative_to(ROOT)} (the benchmarks' own environment, once) ...", file=sys.stderr)
        try:
            venv.create(VENV, with_pip=True)
        except (OSError, subprocess.CalledProcessError) as e:
            raise SystemExit(
                f"cannot make {VENV}: {e} (on Debian/Ubuntu: apt-get install python3-venv)"
            ) from None
    stamp = _stamp(requirements)
    if not stamp.exists():
        wanted = ["-e", str(ROOT), *requirements]
        print(f"installing into {VENV.relative_to(ROOT)}: the app, {', '.join(requirements) or 'nothing else'}",
              file=sys.stderr)  # fmt: skip
        pip = [str(_python()), "-m", "pip", "install", "-q", "--disable-pip-version-check", *wanted]
        if subprocess.run(pip).returncode != 0:
            raise SystemExit(f"could not install {' '.join(wanted)} into {VENV}")
        stamp.touch()
    if _inside():
        return
    script = str(Path(sys.argv[0]).resolve())
    os.execv(str(_python()), [str(_python()), script, *sys.argv[1:]])
