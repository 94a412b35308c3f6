"""The allocator setting the entry points make: freed array memory is reused, not faulted in again."""

import subprocess
import sys

import pytest

SCRIPT = """
import resource, numpy as np
from landscape_gui.core.allocator import keep_freed_memory
assert keep_freed_memory()
a = np.ones((40_000, 2), order="F")
def step():  # the temporaries of an optimizer step on 40 000 particles, freed at the end
    t = [a * 2.0 for _ in range(12)]
    return sum(x[0, 0] for x in t)
for _ in range(5):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 200)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_temporaries_of_a_step_reuse_freed_memory():
    # in a child, so this test process keeps the allocator it started with
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 1.0  # page faults per step; glibc's defaults give ~1 800 here


def test_the_command_line_sets_it(monkeypatch):
    import landscape_gui.core.allocator as allocator
    from landscape_gui.cli import main

    calls = []
    monkeypatch.setattr(allocator, "keep_freed_memory", lambda: calls.append(1) or True)
    assert main(["functions"]) == 0
    assert calls == [1]
