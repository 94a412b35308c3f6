"""What a newcomer meets on the command line: help on every option, the window in --help, negative start
points, one noise σ, the landscapes' sources, and --reset."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.cli import build_parser, main
from landscape_gui.cli.common import NOISE_MODEL
from landscape_gui.core.landscapes.library import LANDSCAPE_IDS, get_landscape

ROOT = Path(__file__).resolve().parents[1]


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _parsers(parser, name="landscape-gui"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_every_option_of_every_command_has_a_help_line():
    missing = []
    for name, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                missing += [f"{name} {c.dest}" for c in action._choices_actions if not c.help]
            elif not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, f"options without a help line: {missing}"
    assert len(list(_parsers(build_parser()))) >= 7  # the walk reached the subcommands


def test_each_commands_usage_line_starts_with_the_command():
    for name, parser in list(_parsers(build_parser()))[1:]:
        assert parser.format_usage().startswith(f"usage: {name} "), parser.format_usage()


@pytest.mark.parametrize(
    "command,option",
    [(c, o) for c in ("basins", "restarts") for o in ("--steps", "--tol", "--noise", "--seed", "--format")]
    + [("restarts", "--n"), ("critical", "--format"), ("trace", "--format"), ("trace", "--noise")]
    + [("export", o) for o in ("--size", "--fps", "--duration", "--orbit")],
)
def test_options_that_may_be_left_out_say_their_default(command, option):
    parser = dict(_parsers(build_parser()))[f"landscape-gui {command}"]
    action = next(a for a in parser._actions if option in a.option_strings)
    assert "default" in action.help, f"{command} {option}: {action.help}"


def test_help_says_that_no_arguments_or_a_toml_file_open_the_window(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert "landscape-gui [SCENARIO.toml | PRESET]" in out and "opens the window" in out and "--reset" in out


@pytest.mark.parametrize(
    "args",
    [["--start", "-1.5,2"], ["--start=-1.5,2"], ["--start", "-1.5,2", "--domain", "-2,2,-1,3"]],
    ids=["space", "equals", "negative-domain-too"],
)
def test_a_negative_start_is_read_with_or_without_equals(capsys, args):
    code, out, err = run_cli(
        capsys, "trace", "--function", "rosenbrock", "--optimizer", "gd", *args, "--steps", "1"
    )
    assert code == 0, err
    assert json.loads(out)["runs"][0]["start"] == [-1.5, 2.0]


def test_a_missing_value_says_how_to_write_it(capsys):
    code, _, err = run_cli(
        capsys, "trace", "--function", "booth", "--optimizer", "gd", "--start", "--steps", "1"
    )
    assert code == 2
    assert err.startswith("landscape-gui: error: argument --start: expected one argument")
    assert "--start=-1.5,2" in err and len(err.splitlines()) == 1


def _noise_per_step(capsys, optimizer, *extra):
    """(observed σ of the gradient noise, trace output): 50 steps from 20 starts on a flat landscape."""
    base = ["trace", "--expr", "0*x + 0*y", "--set", "lr=0.01", "--steps", "50", "--seed", "1"]
    starts = [f"--start={i},0" for i in range(20)]
    code, out, err = run_cli(capsys, *base, "--optimizer", optimizer, *starts, *extra)
    assert code == 0, err
    data = json.loads(out)
    steps = np.concatenate([np.diff(np.array(r["path"]), axis=0) for r in data["runs"]])
    return float(np.std(steps / 0.01)), data  # zero gradient: each step is −lr·σξ


def test_noise_01_means_one_sigma_of_01_for_sgd_and_for_the_others(capsys):
    sigma, data = _noise_per_step(capsys, "sgd", "--noise", "0.1")
    assert data["params"]["noise"] == 0.1 and data["noise"] == 0.1
    assert sigma == pytest.approx(0.1, rel=0.05)  # not √(1² + 0.1²): sgd's own σ = 1 is replaced
    sigma, data = _noise_per_step(capsys, "gd", "--noise", "0.1")
    assert data["noise"] == 0.1 and sigma == pytest.approx(0.1, rel=0.05)
    sigma, data = _noise_per_step(capsys, "sgd")  # no --noise: sgd's own default, σ = 1, said in the output
    assert data["noise"] == 1.0 and sigma == pytest.approx(1.0, rel=0.05)
    sigma, data = _noise_per_step(capsys, "sgd", "--set", "noise=0.1")
    assert data["noise"] == 0.1 and sigma == pytest.approx(0.1, rel=0.05)


def test_noise_given_twice_is_refused(capsys):
    code, _, err = run_cli(
        capsys, "trace", "--function", "booth", "--optimizer", "sgd", "--start", "0,0", "--steps", "1",
        "--noise", "0.1", "--set", "noise=0.2",
    )  # fmt: skip
    assert code == 2 and "give the noise once" in err


def test_the_noise_model_is_told_by_optimizers_and_trace_help(capsys):
    code, out, _ = run_cli(capsys, "optimizers")
    assert code == 0 and NOISE_MODEL in out
    with pytest.raises(SystemExit):
        main(["trace", "--help"])
    help_text = capsys.readouterr().out
    assert "sgd's own noise" in help_text and "one σ, not two added up" in help_text


def test_functions_text_shows_each_landscapes_source(capsys):
    code, out, _ = run_cli(capsys, "functions")
    assert code == 0
    for lid in LANDSCAPE_IDS:
        assert f"source: {get_landscape(lid).source}" in out, lid


def _env(config: Path) -> dict:
    return {**os.environ, "XDG_CONFIG_HOME": str(config), "PYTHONPATH": str(ROOT)}


def test_settings_follow_xdg_config_home_and_reset_removes_them(tmp_path):
    config = tmp_path / "config"
    where = subprocess.run(
        [sys.executable, "-c", "from landscape_gui.gui.settings import settings_path; print(settings_path())"],
        env=_env(config), capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip
    assert where == str(config / "landscape-gui" / "landscape-gui.conf")
    Path(where).parent.mkdir(parents=True)
    Path(where).write_text('[General]\ncontroller="{}"\n')
    run = [sys.executable, "-m", "landscape_gui", "--reset"]
    out = subprocess.run(run, env=_env(config), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert where in out.stdout and not Path(where).exists()
    out = subprocess.run(run, env=_env(config), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "nothing was saved" in out.stdout


def test_tests_never_touch_the_users_settings():
    from landscape_gui.gui.settings import settings_path

    # conftest.py's private XDG_CONFIG_HOME, or a GUI test's own QSettings.setPath folder: a temp folder
    assert os.environ["XDG_CONFIG_HOME"].startswith(tempfile.gettempdir())
    assert Path(settings_path()).resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    assert not Path(settings_path()).resolve().is_relative_to(Path.home().resolve())
