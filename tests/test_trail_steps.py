"""Show the last N steps of trails (issue 24): one declaration (ViewSettings.trail_steps) and its use (the
presenter's trails); the file format, the command line, the window's Run box and the dialog follow."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from landscape_gui.core.frames.presenter import present
from landscape_gui.core.frames.snapshot import Snapshotter
from landscape_gui.core.scenario.declarations import setting_of
from landscape_gui.core.scenario.files import ScenarioError, dumps_scenario, loads_scenario
from landscape_gui.core.scenario.model import ViewSettings

BASE = '[landscape]\nfunction = "booth"\n[[optimizers]]\nid = "gd"\nlr = 0.01\n[run]\nstarts = [[0.0, 0.0], [1, 1]]\n'


def test_the_trail_keeps_the_points_of_its_last_n_steps():
    s = loads_scenario(BASE + "[view]\ntrail_steps = 5\n")
    assert s.view.trail_steps == 5 and loads_scenario(dumps_scenario(s)) == s
    sim = s.build_simulation(max_points=None)
    shots = Snapshotter(sim)
    sim.step(12)
    frame = present(shots.take(), s, sim.landscape)
    for k in range(2):
        whole = frame.snapshot.paths[k]
        assert len(whole) == 13  # the start and twelve steps
        np.testing.assert_array_equal(frame.trails[k], whole[-6:])  # steps 7 … 12: the last five steps
        np.testing.assert_array_equal(frame.trail_values[k], frame.snapshot.path_values[k][-6:])
    everything = present(shots.take(), replace(s, view=replace(s.view, trail_steps=0)), sim.landscape)
    assert [len(p) for p in everything.trails] == [13, 13]


def test_the_setting_is_checked_as_declared_everywhere():
    declared = setting_of(ViewSettings, "trail_steps")
    assert declared.option == "--trail-steps" and "last N steps" in declared.help
    with pytest.raises(
        ScenarioError, match=r"\[view\] trail_steps: expected an integer in 0 … 1000000, got -3"
    ):
        loads_scenario(BASE + "[view]\ntrail_steps = -3\n")
    from landscape_gui.cli import build_parser

    help_text = build_parser()._subparsers._group_actions[0].choices["export"].format_help()
    assert "--trail-steps" in help_text and "last N steps" in help_text
