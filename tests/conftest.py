"""Test-wide settings.

Hypothesis draws the same examples on every run (``derandomize``), so CI is repeatable: a formula fuzzer
that found a formula sympy takes minutes to differentiate would otherwise stall a random CI run. Explore
new examples with ``pytest --hypothesis-profile=explore``. The disk cache of ``mlp_slice`` lives in a temporary
folder for the session.

The tests never read or write the user's settings: ``XDG_CONFIG_HOME`` (where Qt keeps QSettings on Linux)
points to a private folder for the whole session, before any QSettings exists, and the processes the tests
start inherit it.
"""

import atexit
import os
import shutil
import tempfile

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


# -- a tiny disk, for full-disk tests ----------------------------------------------------------------------
import subprocess  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402


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
