"""``spectrum``: every eigenvalue of the trained network's full Hessian at θ* (the network of ``mlp_slice``)."""

from __future__ import annotations

import json


def spectrum_json(s) -> dict:
    """The ``spectrum`` JSON contract from a :class:`~landscape_gui.core.data.mlp_slice.NetworkSpectrum`."""
    from landscape_gui.core.analysis.curvature import stable_lr

    return {
        "network": {"sizes": list(s.sizes), "activation": "tanh"},
        "at": "theta*, the trained parameters of mlp_slice (and its variants)",
        "loss": s.loss_text(),
        "weight_decay_term": bool(s.weight_decay),
        "weight_decay": s.weight_decay,
        "loss_value": s.loss,
        "gradient_norm": s.grad_norm,
        "parameters": s.parameters,
        "negative": int((s.eigenvalues < 0).sum()),
        "stable_lr_gd": stable_lr(s.eigenvalues),
        "eigenvalues": s.eigenvalues.tolist(),
    }


def cmd_spectrum(args) -> int:
    from landscape_gui.core.data.mlp_slice import network_spectrum

    data = spectrum_json(network_spectrum(not args.without_weight_decay))
    if args.format == "json":
        print(json.dumps(data))
        return 0
    ev = data["eigenvalues"]
    sizes = "–".join(str(n) for n in data["network"]["sizes"])
    print(
        f"Hessian of the {sizes} tanh network's loss at θ* ({data['parameters']} parameters, one eigenvalue each)"
    )
    print(f"  loss: {data['loss']}")
    print(f"  L(θ*) = {data['loss_value']:.10g}, |∇L(θ*)| = {data['gradient_norm']:.3g}")
    print("  largest: " + ", ".join(f"{v:.6g}" for v in ev[::-1][:10]))
    print("  smallest: " + ", ".join(f"{v:.6g}" for v in ev[:5]))
    print(f"  negative eigenvalues: {data['negative']} of {data['parameters']}")
    lr = data["stable_lr_gd"]
    print(f"  full-batch gradient descent is stable at θ* below lr = 2/λmax = {lr:.6g}" if lr else
          "  no positive eigenvalue: no stable learning rate")  # fmt: skip
    print("  every eigenvalue: landscape-gui spectrum --format json")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "spectrum",
        help="the eigenvalues of the trained network's full Hessian at θ* (the network mlp_slice slices)",
        description="Every eigenvalue, ascending, of the exact Hessian of the trained network's loss at θ* "
        "(354 parameters): the loss mlp_slice plots, with its weight-decay term, or without it. "
        "mlp_slice_eigen is the plane of the top two eigenvectors.",
    )
    p.add_argument(
        "--without-weight-decay",
        action="store_true",
        help="the Hessian of the cross-entropy alone (the loss mlp_slice_ce plots), not of the full loss",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=cmd_spectrum)
