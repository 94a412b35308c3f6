"""The optimizers' declared state against torch's, and the captions and glyphs generated from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from landscape_gui.core.analysis.simulation import Simulation
from landscape_gui.core.frames.captions import format_value, step_caption
from landscape_gui.core.frames.glyphs import glyphs
from landscape_gui.core.landscapes.library import get_landscape
from landscape_gui.core.optimizers.catalog import OPTIMIZER_IDS, OPTIMIZERS, get_optimizer
from landscape_gui.core.optimizers.spec import Buffer, Quantity

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = json.loads((ROOT / "tests" / "data" / "torch_reference.json").read_text())
TORCH_NAMES = {"momentum_buffer", "sum", "square_avg", "acc_delta", "grad_avg", "exp_avg", "exp_avg_sq"}
TORCH_NAMES |= {"exp_inf", "max_exp_avg_sq", "mu_product"}


def test_state_after_each_step_matches_torch():
    """Every stored case: our declared buffers in use are exactly torch's state tensors, with torch's values
    within 1e-9 (absolute, or relative for large second moments: torch fuses multiply-adds, so single ulps
    differ, and RMSprop with momentum in Rosenbrock's valley amplifies them to ~6e-10 over 200 steps)."""
    steps = REFERENCE["state_steps"]
    for case in REFERENCE["cases"]:
        opt = get_optimizer(case["optimizer"])
        hp = opt.resolve(case["hp"])
        landscape = get_landscape(case["landscape"])
        p = np.array(case["starts"], dtype=float)
        state = opt.init(p)
        what = f"{case['optimizer']} {case['hp']} on {case['landscape']}"
        for k in range(1, steps[-1] + 1):
            p, state = opt.update(p, landscape.grad(p), state, hp)
            if k in steps:
                ours = {b.name: state[b.name] for b in opt.active_buffers(hp)}
                assert set(ours) == set(case["state"]), what
                for name, rows in case["state"].items():
                    np.testing.assert_allclose(
                        ours[name],
                        rows[steps.index(k)],
                        rtol=1e-9,
                        atol=1e-9,
                        err_msg=f"{what} {name} step {k}",
                    )


def test_torch_optimizers_use_torchs_names_and_every_buffer_is_declared():
    torch_ids = {c["optimizer"] for c in REFERENCE["cases"]}
    for oid, opt in OPTIMIZERS.items():
        state = opt.init(np.zeros((3, 2)))
        names = [b.name for b in opt.buffers]
        assert len(set(names)) == len(names), oid
        for name in names:
            assert name in state and state[name].shape == (3, 2), (oid, name)
            if oid in torch_ids:
                assert name in TORCH_NAMES, (oid, name)
        for term in opt.terms:
            assert term.symbol and term.meaning and term.formula, (oid, term)
        if opt.velocity is not None:
            assert opt.velocity in names, oid
        if opt.effective_lr is not None:
            assert opt.quantity(opt.effective_lr), oid
    # every stored torch buffer name is declared by the optimizer that has it
    for case in REFERENCE["cases"]:
        assert set(case["state"]) <= {b.name for b in get_optimizer(case["optimizer"]).buffers}


# -- glyphs ---------------------------------------------------------------------------------------------------

ADAPTIVE = {
    "adagrad",
    "adadelta",
    "rmsprop",
    "adam",
    "adamax",
    "adamw",
    "amsgrad",
    "nadam",
    "radam",
    "qhadam",
}
STARTS = [[0.5, 0.5], [-1.0, 4.0], [2.5, -2.5]]


def _sim(hp_of=lambda oid: {"lr": 0.01}, steps=4, **kw):
    sim = Simulation(get_landscape("himmelblau"), STARTS, [(oid, hp_of(oid)) for oid in OPTIMIZER_IDS], **kw)
    sim.step(steps)
    return sim


def test_glyph_vectors_are_the_optimizers_state():
    sim = _sim()
    landscape = sim.landscape
    for gi, g in enumerate(sim.groups):
        oid = g.optimizer.id
        gl = glyphs(sim, gi)
        np.testing.assert_array_equal(gl.neg_gradient, -landscape.grad(g.params))
        ctx = sim.last_step(gi)
        np.testing.assert_array_equal(gl.step, g.params - ctx.theta)
        np.testing.assert_array_equal(
            gl.step, np.diff(np.stack([sim.path(gi, i)[-2:] for i in range(3)]), axis=1)[:, 0]
        )
        if g.optimizer.velocity in sim.buffers(gi):  # declared and in use (RMSprop: with momentum only)
            assert gl.velocity_buffer == g.optimizer.velocity
            np.testing.assert_array_equal(gl.velocity, -sim.buffers(gi)[gl.velocity_buffer])
        else:
            assert gl.velocity is None
        assert (gl.effective_lr is not None) == (oid in ADAPTIVE), oid


def test_effective_step_size_is_what_scales_each_axis():
    """The step equals −lr_eff times what the optimizer scales (g, m̂, ...), axis by axis."""
    sim = _sim(steps=6)
    by_id = {g.optimizer.id: gi for gi, g in enumerate(sim.groups)}

    def check(oid, scaled):
        gi = by_id[oid]
        ctx = sim.last_step(gi)
        eff = glyphs(sim, gi).effective_lr
        np.testing.assert_allclose(ctx.step, -eff * scaled(ctx), rtol=1e-9, err_msg=oid)  # θ_new − θ rounds

    bc1 = lambda c: 1 - 0.9**c.t  # noqa: E731
    check("adagrad", lambda c: c.grad)
    check("rmsprop", lambda c: c.grad)
    check("adam", lambda c: c.after["exp_avg"] / bc1(c))
    check("amsgrad", lambda c: c.after["exp_avg"] / bc1(c))
    check("adamax", lambda c: c.after["exp_avg"] / bc1(c))
    check("adadelta", lambda c: c.grad)
    check("qhadam", lambda c: 0.3 * c.grad + 0.7 * c.after["exp_avg"])
    check("radam", lambda c: c.after["exp_avg"] / bc1(c))  # β₂ = 0.999: ρ_t ≤ 5 still, lr_eff = lr

    def nadam_scaled(c):  # (1−μ_t)/(1−Π_t)·g + μ_{t+1}/(1−Π_t·μ_{t+1})·m
        mu = lambda t: 0.9 * (1 - 0.5 * 0.96 ** (t * 0.004))  # noqa: E731
        prod = float(c.after["mu_product"][0, 0])
        return (1 - mu(c.t)) / (1 - prod) * c.grad + mu(c.t + 1) / (1 - prod * mu(c.t + 1)) * c.after[
            "exp_avg"
        ]

    check("nadam", nadam_scaled)
    rect = Simulation(get_landscape("himmelblau"), STARTS, [("radam", {"lr": 0.01, "beta2": 0.9})])
    rect.step(8)  # ρ_8 ≈ 7.1 > 5: the rectified, adaptive step
    ctx = rect.last_step(0)
    eff = glyphs(rect, 0).effective_lr
    assert np.ptp(eff) > 0  # per axis, no longer lr everywhere
    np.testing.assert_allclose(ctx.step, -eff * ctx.after["exp_avg"] / (1 - 0.9**8), rtol=1e-9)
    # Adagrad as torch defines it, from the state: lr/(√sum + ε)
    gi = by_id["adagrad"]
    np.testing.assert_allclose(
        glyphs(sim, gi).effective_lr, 0.01 / (np.sqrt(sim.buffers(gi)["sum"]) + 1e-10), rtol=1e-15
    )
    # Adam: lr/(√v̂ + ε), v̂ = v/(1 − β₂ᵗ)
    gi = by_id["adam"]
    v_hat = sim.buffers(gi)["exp_avg_sq"] / (1 - 0.999**6)
    np.testing.assert_allclose(glyphs(sim, gi).effective_lr, 0.01 / (np.sqrt(v_hat) + 1e-8), rtol=1e-14)


def test_glyphs_before_the_first_step_and_after_divergence():
    sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("adam", {})])
    gl = glyphs(sim, 0)
    assert gl.effective_lr is None and not gl.step.any() and not gl.velocity.any()
    sim = Simulation(get_landscape("booth"), [[0.0, 0.0], [1.0, 3.0]], [("gd", {"lr": 2.0})])
    sim.step(40)
    assert sim.runs()[0].status == "diverged"
    gl = glyphs(sim, 0)
    assert np.isfinite(gl.neg_gradient).all() and np.isfinite(gl.step).all()
    assert not gl.step[0].any()


# -- captions -------------------------------------------------------------------------------------------------


def _numbers(text: str) -> list[float]:
    value = text.rsplit(" = ", 1)[1]
    return [float(x) for x in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", value)]


@pytest.mark.parametrize("optimizer_id", OPTIMIZER_IDS)
def test_every_optimizer_has_a_caption_whose_numbers_are_the_state_and_the_step(optimizer_id):
    opt = get_optimizer(optimizer_id)
    sim = Simulation(get_landscape("himmelblau"), STARTS, [(optimizer_id, {"lr": 0.01})])
    sim.step(3)
    for index in range(len(STARTS)):
        cap = step_caption(sim, 0, index)
        ctx = sim.last_step(0)
        assert cap.title == f"{opt.name} — step 3"
        assert cap.settings.startswith("lr = 0.01")
        np.testing.assert_array_equal(cap.lines[0].value, ctx.theta[index])
        np.testing.assert_array_equal(cap.value("∇J"), ctx.grad[index])
        assert cap.lines[-2].symbol == "Δθ" and cap.lines[-2].formula == opt.step
        np.testing.assert_array_equal(cap.lines[-2].value, sim.path(0, index)[-1] - sim.path(0, index)[-2])
        np.testing.assert_array_equal(cap.lines[-1].value, sim.positions()[0, index])
        buffers = sim.buffers(0)
        symbols = [line.symbol for line in cap.lines]
        for term in opt.terms:
            if not term.active(sim.groups[0].hp):
                continue
            assert term.symbol in symbols
            if isinstance(term, Buffer):
                np.testing.assert_array_equal(cap.value(term.symbol), buffers[term.name][index])
        for line, text in zip(cap.lines, cap.text_lines()[2:], strict=True):
            assert text.startswith(line.symbol)
            if line.value.ndim == 1:  # the numbers printed are the values, to 4 significant digits
                np.testing.assert_allclose(_numbers(text), line.value, rtol=1e-3, atol=0)
                assert text.endswith(format_value(line.value))


def test_adam_caption_lines_in_the_lectures_order_with_bias_corrections():
    sim = Simulation(get_landscape("himmelblau"), STARTS, [("adam", {"lr": 0.05}, "cosine:T_max=10")])
    sim.step(4)
    cap = step_caption(sim, 0, 1)
    assert [line.symbol for line in cap.lines] == ["θ", "∇J", "g", "m", "v", "m̂", "v̂", "lr_eff", "Δθ", "θ"]
    assert [line.op for line in cap.lines][3:5] == ["←", "←"]
    state, t = sim.buffers(0), 4
    np.testing.assert_array_equal(cap.value("m̂"), state["exp_avg"][1] / (1 - 0.9**t))
    np.testing.assert_array_equal(cap.value("v̂"), state["exp_avg_sq"][1] / (1 - 0.999**t))
    lr = sim.lr_history(0)[-1]
    assert lr < 0.05 and f"lr = {lr:.6g} (cosine schedule, base 0.05)" in cap.settings
    np.testing.assert_allclose(cap.value("Δθ"), -cap.value("lr_eff") * cap.value("m̂"), rtol=1e-12)
    np.testing.assert_array_equal(cap.value("lr_eff"), glyphs(sim, 0).effective_lr[1])


def test_a_new_optimizer_gets_a_caption_for_free():
    """Declaring buffers and a step formula is all an optimizer needs for its caption."""
    from dataclasses import replace

    from landscape_gui.core.frames.captions import caption
    from landscape_gui.core.optimizers import catalog as optimizers

    base = get_optimizer("momentum")
    heavy = replace(
        base,
        id="heavy",
        name="Heavy ball",
        terms=(Buffer("momentum_buffer", "v", "velocity", "μ·v + g"),),
        step="−lr·v",
    )
    assert "heavy" not in optimizers.OPTIMIZERS
    sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("momentum", {"lr": 0.01})])
    sim.step(2)
    cap = caption(heavy, sim.last_step(0), 0)
    assert cap.title == "Heavy ball — step 2"
    assert [line.text().split(" =")[0] for line in cap.lines][2:] == ["v ← μ·v + g", "Δθ", "θ ← θ + Δθ"]
    np.testing.assert_array_equal(cap.value("v"), sim.buffers(0)["momentum_buffer"][0])


def test_no_caption_before_the_first_step_and_quantities_are_declared_objects():
    sim = Simulation(get_landscape("booth"), [[0.0, 0.0]], [("adam", {})])
    assert step_caption(sim, 0, 0) is None
    assert all(isinstance(t, Buffer | Quantity) for o in OPTIMIZERS.values() for t in o.terms)
