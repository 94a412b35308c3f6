"""The examples in the package's docstrings are tests too: each is a hand-worked case (a valley's wall angle, a
number's printed form) that must keep holding."""

import doctest
import importlib
import pkgutil

import pytest

import landscape_gui

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(landscape_gui.__path__, "landscape_gui.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
