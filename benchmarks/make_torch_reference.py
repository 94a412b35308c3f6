#!/usr/bin/env python3
"""Write tests/data/torch_reference.json: torch.optim trajectories the optimizer tests compare against.

Every optimizer that torch.optim has runs 200 steps on rosenbrock, himmelblau and saddle from a few starts,
with its defaults and with one non-default setting (weight decay included), in float64. Torch is given the
landscape's exact gradient (``p.grad = torch.from_numpy(landscape.grad(p))``) so that the comparison isolates
the update rule. Every 10th point (and the last) is stored, as JSON floats (``repr``: exact round trip), and
the optimizer's state (every tensor torch keeps per parameter, under torch's names; a 0-d one such as NAdam's
``mu_product`` as one number) after the steps in STATE_STEPS. Torch runs with float64 as its default dtype:
it keeps scalar state such as ``mu_product`` in the default dtype, which would otherwise be float32.

SCHEDULE_CASES run an optimizer with each torch.optim.lr_scheduler (``scheduler.step()`` after every
``optimizer.step()``, as in torch's documentation): the same points and states, and the learning rate of every
step (``param_groups[0]["lr"]`` when the step was taken).

Run it with torch installed (the tests themselves do not need torch):

    benchmarks/make_torch_reference.py     # in benchmarks/.venv-compare, with torch 2.13.0 (made on first use)

``tests/test_optimizers.py`` imports :func:`torch_trajectory` and :func:`cases` from here to recompute the
trajectories live when torch is importable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: in benchmarks/.venv-compare, made on first use
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _compare_env import ensure_env

    ensure_env(__doc__, ["torch==2.13.0"])

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from landscape_gui.core.landscapes.library import get_landscape

OUT = ROOT / "tests" / "data" / "torch_reference.json"
SPECTRUM_OUT = ROOT / "tests" / "data" / "torch_spectrum.json"
STEPS = 200
STRIDE = 10
#: Steps after which the optimizer's state is stored (the first steps hold the special cases).
STATE_STEPS = (1, 2, 3, 5, 10, 50, 100, 150, 200)

#: Start points per landscape; every particle of a case runs in one (K, 2) tensor.
STARTS = {
    "rosenbrock": [[-1.5, 2.0], [0.0, 0.0], [1.2, 0.8]],
    "himmelblau": [[0.0, 0.0], [-1.0, 4.0], [2.5, -2.5]],
    "saddle": [[1.0, 0.1], [-0.5, -0.01]],
}

#: Per optimizer: the defaults ({}) and non-default settings, each run on every landscape of STARTS unless a
#: tuple of landscapes follows it. The lerp weights 1 − β₁ ≥ 0.5 of adamax's and amsgrad's settings exercise
#: the second branch of torch's lerp.
#:
#: Torch's CPU kernels fuse multiply-adds (add with alpha, lerp, addcmul) where numpy rounds twice, so single
#: steps differ by an ulp. Sign-like methods (Adam family, RMSprop) in Rosenbrock's narrow curved valley amplify
#: such ulps, and centered RMSprop's √(v − ḡ²) cancels catastrophically there (errors reach 1e-5 in 200 steps
#: from (−1.5, 2)); the settings below are ones whose trajectories are well conditioned, so that a 1e-12
#: comparison tests the update rule rather than the conditioning.
CASES: dict[str, list[tuple[dict[str, float], tuple[str, ...] | None]]] = {
    "gd": [({}, None), ({"lr": 5e-4, "weight_decay": 0.1}, None)],
    "sgd": [({}, None), ({"lr": 5e-4, "weight_decay": 0.05, "noise": 3.0}, None)],
    "momentum": [({}, None), ({"lr": 2e-4, "momentum": 0.8, "dampening": 0.1, "weight_decay": 0.01}, None)],
    "nesterov": [({}, None), ({"lr": 2e-4, "momentum": 0.95, "weight_decay": 0.02}, None)],
    "adagrad": [
        ({}, None),
        (
            {
                "lr": 0.1,
                "lr_decay": 0.01,
                "weight_decay": 0.01,
                "initial_accumulator_value": 0.1,
                "eps": 1e-8,
            },
            None,
        ),
    ],
    "adadelta": [({}, None), ({"lr": 0.5, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.01}, None)],
    "rmsprop": [
        ({}, None),
        ({"lr": 1e-3, "alpha": 0.95, "eps": 1e-6, "weight_decay": 0.05, "momentum": 0.9}, None),
        (
            {"lr": 3e-3, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01, "momentum": 0.5, "centered": 1.0},
            ("himmelblau", "saddle"),
        ),
    ],
    "adam": [
        ({}, None),
        ({"lr": 5e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.01}, None),
    ],
    "adamax": [
        ({}, None),
        ({"lr": 1e-3, "beta1": 0.3, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.01}, None),
    ],
    "adamw": [({}, None), ({"lr": 1e-2, "beta1": 0.85, "beta2": 0.995, "weight_decay": 0.1}, None)],
    "amsgrad": [
        ({}, None),
        ({"lr": 1e-2, "beta1": 0.4, "beta2": 0.9, "eps": 1e-7, "weight_decay": 0.01}, None),
    ],
    "nadam": [
        ({}, None),
        (
            {
                "lr": 5e-3,
                "beta1": 0.8,
                "beta2": 0.99,
                "eps": 1e-6,
                "weight_decay": 0.01,
                "momentum_decay": 0.01,
            },
            None,
        ),
        ({"lr": 1e-2, "weight_decay": 0.1, "decoupled_weight_decay": 1.0}, None),
    ],
    "radam": [
        ({}, None),
        ({"lr": 5e-3, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.01}, None),
        ({"lr": 2e-3, "beta1": 0.4, "weight_decay": 0.1, "decoupled_weight_decay": 1.0}, None),
    ],
}


#: (optimizer, hp, schedule as on the command line, landscape): each run from the landscape's STARTS. The cosine
#: cases run well past T_max (torch's recursive form climbs back up; period 2·T_max).
SCHEDULE_CASES: list[tuple[str, dict[str, float], str, str]] = [
    ("gd", {"lr": 0.01}, "step:step_size=30,gamma=0.5", "himmelblau"),
    ("nesterov", {"lr": 0.002}, "step", "himmelblau"),
    ("momentum", {"lr": 0.002}, "exponential:gamma=0.99", "himmelblau"),
    ("adam", {"lr": 0.05}, "cosine:T_max=40,eta_min=0.001", "himmelblau"),
    ("rmsprop", {"lr": 0.01}, "cosine:T_max=60", "himmelblau"),
    ("adagrad", {"lr": 0.5}, "linear", "himmelblau"),
    ("adamw", {"lr": 0.02}, "linear:start_factor=0.1,end_factor=0.8,total_iters=50", "himmelblau"),
    ("gd", {"lr": 0.0005}, "cosine:T_max=25,eta_min=0.0001", "rosenbrock"),
    ("adam", {"lr": 0.02, "weight_decay": 0.01}, "exponential:gamma=0.98", "rosenbrock"),
]


def cases():
    """Every (optimizer_id, hp, landscape_id, starts) that the reference holds, in order."""
    for optimizer_id, settings in CASES.items():
        for hp, landscapes in settings:
            for landscape_id, starts in STARTS.items():
                if landscapes is None or landscape_id in landscapes:
                    yield optimizer_id, hp, landscape_id, starts


def make_torch_optimizer(optimizer_id: str, hp: dict[str, float], params: list):
    """The torch.optim optimizer equivalent to ``optimizer_id`` with the resolved hyperparameters ``hp``."""
    import torch

    o = torch.optim
    lr, wd = hp["lr"], hp.get("weight_decay", 0.0)
    kw = {"foreach": False}
    if optimizer_id in ("gd", "sgd"):
        return o.SGD(params, lr=lr, weight_decay=wd, **kw)
    if optimizer_id == "momentum":
        return o.SGD(params, lr=lr, momentum=hp["momentum"], dampening=hp["dampening"], weight_decay=wd, **kw)
    if optimizer_id == "nesterov":
        return o.SGD(params, lr=lr, momentum=hp["momentum"], weight_decay=wd, nesterov=True, **kw)
    if optimizer_id == "adagrad":
        return o.Adagrad(
            params,
            lr=lr,
            lr_decay=hp["lr_decay"],
            weight_decay=wd,
            initial_accumulator_value=hp["initial_accumulator_value"],
            eps=hp["eps"],
            **kw,
        )
    if optimizer_id == "adadelta":
        return o.Adadelta(params, lr=lr, rho=hp["rho"], eps=hp["eps"], weight_decay=wd, **kw)
    if optimizer_id == "rmsprop":
        return o.RMSprop(
            params,
            lr=lr,
            alpha=hp["alpha"],
            eps=hp["eps"],
            weight_decay=wd,
            momentum=hp["momentum"],
            centered=bool(hp["centered"]),
            **kw,
        )
    betas = (hp.get("beta1", 0.9), hp.get("beta2", 0.999))
    if optimizer_id in ("adam", "amsgrad"):
        return o.Adam(
            params,
            lr=lr,
            betas=betas,
            eps=hp["eps"],
            weight_decay=wd,
            amsgrad=optimizer_id == "amsgrad",
            **kw,
        )
    if optimizer_id == "adamw":
        return o.AdamW(params, lr=lr, betas=betas, eps=hp["eps"], weight_decay=wd, **kw)
    if optimizer_id == "adamax":
        return o.Adamax(params, lr=lr, betas=betas, eps=hp["eps"], weight_decay=wd, **kw)
    decoupled = bool(hp.get("decoupled_weight_decay", 0.0))
    if optimizer_id == "nadam":
        return o.NAdam(
            params,
            lr=lr,
            betas=betas,
            eps=hp["eps"],
            weight_decay=wd,
            momentum_decay=hp["momentum_decay"],
            decoupled_weight_decay=decoupled,
            **kw,
        )
    if optimizer_id == "radam":
        return o.RAdam(
            params, lr=lr, betas=betas, eps=hp["eps"], weight_decay=wd, decoupled_weight_decay=decoupled, **kw
        )
    raise KeyError(f"torch.optim has no equivalent of {optimizer_id!r}")


def make_torch_scheduler(optimizer, schedule_text: str):
    """The torch.optim.lr_scheduler for a schedule written as on the command line (None for constant)."""
    import torch

    from landscape_gui.core.optimizers.schedules import parse_schedule

    schedule = parse_schedule(schedule_text)
    if schedule.is_constant:
        return None
    return getattr(torch.optim.lr_scheduler, schedule.kind.torch_name)(optimizer, **schedule.resolved())


def torch_run(
    optimizer_id: str,
    hp: dict[str, float],
    landscape_id: str,
    starts,
    steps: int = STEPS,
    schedule: str = "constant",
    state_steps=(),
):
    """torch.optim run on the landscape's exact gradient: positions (steps + 1, K, 2), the lr of each step,
    and ``{step: {name: (K, 2) array}}``, the per-parameter state tensors after each of ``state_steps``."""
    import torch

    from landscape_gui.core.optimizers.catalog import get_optimizer

    # torch keeps scalar state (NAdam's mu_product) in the default dtype: float64 here, as every other number
    torch.set_default_dtype(torch.float64)
    full = get_optimizer(optimizer_id).resolve(hp)
    landscape = get_landscape(landscape_id)
    p = torch.tensor(np.asarray(starts, dtype=np.float64))
    opt = make_torch_optimizer(optimizer_id, full, [p])
    scheduler = make_torch_scheduler(opt, schedule)
    out = np.empty((steps + 1, *p.shape))
    out[0] = p.numpy()
    lrs, states = [], {}
    for k in range(steps):
        p.grad = torch.from_numpy(landscape.grad(p.detach().numpy()))
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if scheduler is not None:
            scheduler.step()
        out[k + 1] = p.detach().numpy()
        if k + 1 in state_steps:
            states[k + 1] = {  # per-coordinate tensors, and 0-d ones other than the step count (mu_product)
                name: v.detach().numpy().copy()
                for name, v in opt.state[p].items()
                if isinstance(v, torch.Tensor) and (v.shape == p.shape or (v.ndim == 0 and name != "step"))
            }
    return out, lrs, states


def torch_trajectory(optimizer_id: str, hp: dict[str, float], landscape_id: str, starts, steps: int = STEPS):
    """Positions (steps + 1, K, 2) of torch.optim run on the landscape's exact gradient."""
    return torch_run(optimizer_id, hp, landscape_id, starts, steps)[0]


def _states_json(states: dict) -> dict:
    """``{name: [state after each of STATE_STEPS]}``."""
    names = sorted(states[STATE_STEPS[0]])
    return {name: [states[k][name].tolist() for k in STATE_STEPS] for name in names}


def torch_network_hessian(sizes, weight_decay: float, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
    """``torch.autograd.functional.hessian`` of the network's loss (mean cross-entropy of the two logits'
    margin, plus (λ/2)‖θ‖²), written here from its definition with the flat layout of core/data/mlp.py."""
    import torch

    xt, yt = torch.tensor(x), torch.tensor(y, dtype=torch.float64)
    layers = list(zip(sizes[:-1], sizes[1:], strict=True))

    def loss(flat):
        k, h = 0, xt
        for j, (n_in, n_out) in enumerate(layers):
            w = flat[k : k + n_out * n_in].reshape(n_out, n_in)
            k += n_out * n_in
            h = h @ w.T + flat[k : k + n_out]
            k += n_out
            if j < len(layers) - 1:
                h = torch.tanh(h)
        m = h[:, 1] - h[:, 0]
        return torch.mean(torch.nn.functional.softplus(m) - yt * m) + 0.5 * weight_decay * (flat @ flat)

    return torch.autograd.functional.hessian(loss, torch.tensor(theta)).numpy()


def write_spectrum_reference() -> None:
    """tests/data/torch_spectrum.json: the trained network's θ* and the eigenvalues of torch's Hessian there,
    with and without the weight-decay term (the tests recompute ours at this θ*, independently of training)."""
    import torch

    from landscape_gui.core.data.mlp_slice import SliceSettings, trained_slice

    settings = SliceSettings()
    net, data, arrays = trained_slice(settings)
    out = {"torch_version": torch.__version__, "sizes": list(net.sizes), "theta": arrays["theta"].tolist()}
    for key, wd in (("with_weight_decay", net.weight_decay), ("without_weight_decay", 0.0)):
        h = torch_network_hessian(net.sizes, wd, arrays["theta"], data.x, data.y)
        out[key] = {"weight_decay": wd, "eigenvalues": np.linalg.eigvalsh(0.5 * (h + h.T)).tolist()}
    SPECTRUM_OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote the network's Hessian spectrum to {SPECTRUM_OUT.relative_to(ROOT)}")


def main() -> None:
    import torch

    torch.set_default_dtype(torch.float64)
    write_spectrum_reference()

    out = []
    kept = sorted(set(range(0, STEPS + 1, STRIDE)) | {STEPS})
    for optimizer_id, hp, landscape_id, starts in cases():
        traj, _, states = torch_run(optimizer_id, hp, landscape_id, starts, state_steps=STATE_STEPS)
        if not (np.isfinite(traj).all() and np.abs(traj).max() < 1e4):
            raise RuntimeError(f"{optimizer_id} {hp} on {landscape_id} ran away: pick other settings")
        out.append(
            {
                "optimizer": optimizer_id,
                "hp": hp,
                "landscape": landscape_id,
                "starts": starts,
                "points": traj[kept].tolist(),
                "state": _states_json(states),
            }
        )
    scheduled = []
    for optimizer_id, hp, schedule, landscape_id in SCHEDULE_CASES:
        starts = STARTS[landscape_id]
        traj, lrs, states = torch_run(
            optimizer_id, hp, landscape_id, starts, schedule=schedule, state_steps=STATE_STEPS
        )
        if not (np.isfinite(traj).all() and np.abs(traj).max() < 1e4):
            raise RuntimeError(f"{optimizer_id} {hp} {schedule} on {landscape_id} ran away")
        scheduled.append(
            {
                "optimizer": optimizer_id,
                "hp": hp,
                "schedule": schedule,
                "landscape": landscape_id,
                "starts": starts,
                "points": traj[kept].tolist(),
                "lr": lrs,
                "state": _states_json(states),
            }
        )
    data = {
        "torch_version": torch.__version__,
        "steps": STEPS,
        "kept_steps": kept,
        "state_steps": list(STATE_STEPS),
        "note": "torch.optim (foreach=False, float64) on the landscape's exact gradient; see benchmarks/",
        "cases": out,
        "schedule_cases": scheduled,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {len(out)} cases to {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
