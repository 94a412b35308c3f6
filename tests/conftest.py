"""Test-wide settings.

Hypothesis draws the same examples on every run (``derandomize``), so CI is repeatable: a formula fuzzer
that found a formula sympy takes minutes to differentiate would otherwise stall a random CI run. Explore
new examples with ``pytest --hypothesis-profile=explore``. The disk cache of ``mlp_slice`` lives in a temporary
folder for the session.

The tests never read or write the user's settings: ``XDG_CONFIG_HOME`` (where Qt keeps QSettings on Linux)
points to a private folder for the whole session, before any QSettings exists, and the processes the tests
start inherit it.

Nor do they write into the clone: every test runs in its own ``tmp_path`` (the current folder, which the
processes it starts inherit), and the session fails if a file of the clone appeared, changed or went away
while it ran (``.venv``, caches and build folders aside).
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

_CONFIG = tempfile.mkdtemp(prefix="landscape-gui-test-config-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG
atexit.register(shutil.rmtree, _CONFIG, ignore_errors=True)

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default")


# -- the disk cache (mlp_slice's trained network) goes to a temporary folder, never the user's ----------
_cache_dir: str | None = None


def pytest_configure(config):
    import os
    import tempfile

    global _cache_dir
    _cache_dir = tempfile.mkdtemp(prefix="landscape-gui-test-cache-")
    os.environ["XDG_CACHE_HOME"] = _cache_dir  # subprocesses (the CLI tests) inherit it


def pytest_unconfigure(config):
    import shutil

    if _cache_dir:
        shutil.rmtree(_cache_dir, ignore_errors=True)


# -- every test in its own folder; nothing written into the clone ----------------------------------------------
ROOT = Path(__file__).resolve().parents[1]
#: Folders of the clone the guard does not watch: environments, caches, build output (all in .gitignore).
NOT_WATCHED = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "build", "dist"}
NOT_WATCHED.add(".mypy_cache")  # the type checker's cache (scripts/test runs mypy)
_clone_before: dict[str, tuple[int, int]] = {}


def clone_files(root: Path = ROOT) -> dict[str, tuple[int, int]]:
    """(mtime, size) of each file of the clone outside :data:`NOT_WATCHED` (and benchmarks' venvs)."""
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [
            d for d in dirs if d not in NOT_WATCHED and not d.startswith(".venv") and ".egg-info" not in d
        ]
        for name in files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            out[os.path.relpath(path, root)] = (st.st_mtime_ns, st.st_size)
    return out


@pytest.fixture(autouse=True)
def _in_own_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def pytest_sessionstart(session):
    _clone_before.update(clone_files())


def pytest_sessionfinish(session, exitstatus):
    after = clone_files()
    changed = sorted(p for p in set(_clone_before) | set(after) if _clone_before.get(p) != after.get(p))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"files of the clone changed while the tests ran (a test must write only under its tmp_path): "
                f"{', '.join(changed[:20])}",
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# -- a tiny disk, for full-disk tests ----------------------------------------------------------------------
import subprocess  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def one_blas_thread():
    """Small matrices: one BLAS thread (core/blas.py; 10× faster on a busy 2-core machine, same numbers). The
    training tests' modules use it (``pytestmark = pytest.mark.usefixtures("one_blas_thread")``)."""
    from landscape_gui.core.blas import blas_threads

    with blas_threads(1):
        yield


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KiB tmpfs (needs root and mount rights; skipped otherwise)."""
    mnt = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
