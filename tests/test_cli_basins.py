"""The basins and restarts commands: JSON contract, image, exit codes and one-line errors."""

import json
import struct

import pytest

from landscape_gui.cli import main

pytest.importorskip("PySide6")


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_basins_json_contract_and_image(capsys, tmp_path):
    out = tmp_path / "map.png"
    code, text, err = run_cli(
        capsys, "basins", "--function", "himmelblau", "--optimizer", "gd", "--set", "lr=0.01", "--grid", "60",
        "--steps", "300", "-o", str(out), "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(text)
    assert list(data) == [
        "function",
        "optimizer",
        "params",
        "schedule",
        "grid",
        "steps",
        "batch_size",
        "tol",
        "outcomes",
        "global_share",
    ]
    assert data["schedule"] == {"name": "constant"} and data["batch_size"] is None
    assert (data["function"], data["optimizer"], data["grid"], data["steps"], data["tol"]) == (
        "himmelblau", "gd", 60, 300, 1e-3,
    )  # fmt: skip
    assert data["params"] == {"lr": 0.01, "weight_decay": 0.0}
    for o in data["outcomes"]:
        assert list(o) == ["kind", "point", "value", "global", "share"]
        assert o["kind"] in ("minimum", "saddle", "maximum", "degenerate", "not_settled", "diverged")
    assert sum(o["share"] for o in data["outcomes"]) == pytest.approx(1.0)
    minima = [o for o in data["outcomes"] if o["kind"] == "minimum"]
    assert len(minima) == 4 and all(o["global"] and len(o["point"]) == 2 for o in minima)
    assert [o["kind"] for o in data["outcomes"][-2:]] == ["not_settled", "diverged"]
    assert data["outcomes"][-1]["point"] is None and data["global_share"] == pytest.approx(1.0)
    assert png_size(out) == (1000, 640)


def test_basins_of_a_formula_bowl_text(capsys, tmp_path):
    out = tmp_path / "bowl.png"
    code, text, _ = run_cli(capsys, "basins", "--expr", "x**2 + 3*y**2", "--optimizer", "gd", "--set", "lr=0.1",
                            "--grid", "30", "--steps", "200", "-o", str(out))  # fmt: skip
    assert code == 0
    assert "global minimum (0, 0)" in text and "100.0 %" in text and f"wrote {out}" in text
    code, text, _ = run_cli(capsys, "basins", "--expr", "x**2 + 3*y**2", "--optimizer", "gd", "--set", "lr=0.1",
                            "--grid", "30", "--steps", "200", "-o", str(out), "--format", "json", "--force")  # fmt: skip
    data = json.loads(text)
    assert data["function"] == "x**2 + 3*y**2" and data["global_share"] == 1.0


def test_basins_from_a_preset_and_noise(capsys, tmp_path):
    out = tmp_path / "m.png"
    code, text, err = run_cli(capsys, "basins", "himmelblau-basins", "--optimizer", "momentum", "--grid", "30",
                              "-o", str(out), "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(text)
    assert data["params"]["lr"] == 0.002 and data["steps"] == 300 and data["grid"] == 30
    args = ["basins", "--function", "two_wells", "--optimizer", "gd", "--set", "lr=0.02", "--grid", "12",
            "--steps", "100", "-o", str(out), "--format", "json", "--noise", "2", "--tol", "0.2", "--force"]  # fmt: skip
    a = json.loads(run_cli(capsys, *args, "--seed", "1")[1])
    assert a == json.loads(run_cli(capsys, *args, "--seed", "1")[1])
    assert a != json.loads(run_cli(capsys, *args, "--seed", "2")[1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--function", "himmelblau", "--optimizer", "gd", "--grid", "0"], "--grid must be from 2 to 1000"),
        (["--function", "himmelblau", "--optimizer", "gdd"], "unknown optimizer 'gdd'"),
        (["--function", "himmelblau"], "give --optimizer ID"),
        (["--function", "himmelblaw", "--optimizer", "gd"], "himmelblaw"),
        (["--function", "himmelblau", "--optimizer", "gd", "--set", "lrr=1"], "unknown hyperparameter 'lrr'"),
        (["--function", "himmelblau", "--optimizer", "gd", "--tol", "0"], "--tol must be"),
        (["--function", "himmelblau", "--optimizer", "gd", "--steps", "-1"], "--steps must be"),
        (["himmelblau-basins"], "the scenario has 2 (gd, momentum)"),
        (["himmelblau-basins", "--function", "booth", "--optimizer", "gd"], "not both"),
        (["no-such-preset", "--optimizer", "gd"], "unknown preset 'no-such-preset'"),
    ],
)
def test_basins_bad_input_is_one_line_exit_2(capsys, tmp_path, args, message):
    code, out, err = run_cli(capsys, "basins", *args, "-o", str(tmp_path / "x.png"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("landscape-gui: error: ") and message in err
    assert not (tmp_path / "x.png").exists()


def test_basins_output_must_be_a_png_in_a_folder(capsys, tmp_path):
    base = ["basins", "--function", "booth", "--optimizer", "gd"]
    code, _, err = run_cli(capsys, *base, "-o", str(tmp_path / "x.jpg"))
    assert code == 2 and "PNG" in err and err.count("\n") == 1
    code, _, err = run_cli(capsys, *base, "-o", str(tmp_path / "nope" / "x.png"))
    assert code == 2 and "no folder" in err
    code, _, err = run_cli(capsys, *base)
    assert code == 2 and "-o" in err


def test_restarts_json(capsys):
    args = ["restarts", "--function", "two_wells", "--optimizer", "gd", "--set", "lr=0.05", "--n", "200",
            "--seed", "4", "--steps", "300", "--format", "json"]  # fmt: skip
    code, text, err = run_cli(capsys, *args)
    assert code == 0, err
    data = json.loads(text)
    for key in (
        "function",
        "optimizer",
        "params",
        "runs",
        "steps",
        "tol",
        "outcomes",
        "global_share",
        "best",
    ):
        assert key in data
    assert data["runs"] == 200 and sum(o["share"] for o in data["outcomes"]) == pytest.approx(1.0)
    assert set(data["best"]) == {"start", "end", "loss"} and data["best"]["end"][0] < 0  # the deep well
    assert data["p"] == data["global_share"] and sum(data["categories"].values()) == pytest.approx(1.0)
    curve = data["success_curve"]
    assert curve["formula"][9] == pytest.approx(1 - (1 - data["p"]) ** 10)
    assert json.loads(run_cli(capsys, *args)[1]) == data  # reproducible
    k, p = data["restarts_for_90"], data["p"]
    assert type(k) is int and 0 < p < 1
    assert 1 - (1 - p) ** k >= 0.9 > 1 - (1 - p) ** (k - 1)  # the smallest such k


def test_restarts_for_90_is_null_when_no_run_reaches_the_global_minimum(capsys):
    args = ["restarts", "--function", "booth", "--optimizer", "gd", "--set", "lr=1e-6", "--steps", "3",
            "--n", "20", "--format", "json"]  # fmt: skip
    code, text, err = run_cli(capsys, *args)
    assert code == 0, err
    data = json.loads(text)
    assert data["p"] == 0 and data["restarts_for_90"] is None
    # 0 of 20: the Wilson interval is [0, z²/(n + z²)] = [0, 3.8415/23.8415]; the most restarts unbounded
    assert data["p_interval"] == [0.0, pytest.approx(0.16113, abs=1e-5)]
    assert data["restarts_for_90_interval"][1] is None


def test_restarts_report_p_with_its_wilson_interval(capsys):
    """Rastrigin, seed 0: 6 of 1000 runs reach the global minimum. Wilson's 95 % interval by hand: centre
    (0.006 + 1.9208/1000)/1.0038415 = 0.007891, half-width 1.959964/1.0038415·√(0.006·0.994/1000 + 3.8415/4e6)
    = 0.005138 → [0.002753, 0.013029]; the restarts for 90 %: ln 0.1/ln(1 − p) at p̂ and both ends, rounded up."""
    code, text, err = run_cli(capsys, "restarts", "rastrigin-restarts", "--format", "json")
    assert code == 0, err
    data = json.loads(text)
    assert data["p"] == 0.006
    assert data["p_interval"] == [pytest.approx(0.002753, abs=2e-6), pytest.approx(0.013029, abs=2e-6)]
    assert data["restarts_for_90"] == 383 and data["restarts_for_90_interval"] == [176, 836]
    curve = data["success_curve"]
    assert curve["groups"][-1] == 20 and curve["groups"][0] == 20 * 500  # 20 × max_k runs apart from the 1000


def test_restarts_text_and_errors(capsys):
    code, text, _ = run_cli(capsys, "restarts", "rastrigin-restarts", "--n", "100")
    assert code == 0 and "100 random restarts on Rastrigin" in text and "best run" in text
    code, out, err = run_cli(capsys, "restarts", "--function", "booth", "--optimizer", "gd")
    assert code == 2 and "give --n N" in err and out == ""
    code, out, err = run_cli(capsys, "restarts", "--function", "booth", "--optimizer", "gd", "--n", "0")
    assert code == 2 and "--n must be" in err
