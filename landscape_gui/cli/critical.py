"""``critical``: the critical points of a landscape, found and classified, with the stable learning rate at
each minimum."""

from __future__ import annotations

import json
import math
from typing import Any

from landscape_gui.cli.common import UsageError, add_landscape_args, load_landscape


def _stable(point, momentum: float | None) -> float | None:
    """:func:`~landscape_gui.core.analysis.curvature.stable_lr` at a minimum; None at any other kind of point."""
    from landscape_gui.core.analysis.curvature import stable_lr

    return stable_lr(point.eigenvalues, momentum) if point.kind == "minimum" else None


def _lr_text(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"


def cmd_critical(args) -> int:
    """``critical``: ``{"points": [...], "complete": bool, "reason": str | null}`` (JSON; with ``--momentum``
    also ``"momentum"``) or a table (text). Each point has ``"stable_lr_gd"`` (and ``"stable_lr_momentum"``
    with ``--momentum``): the stable learning rate at a minimum, null elsewhere.

    ``complete`` is false, with the ``reason``, when the search could not cover the domain (it ran out of
    time, or the domain is too large for its grid to resolve the points): the list may then miss some.
    """
    from landscape_gui.core.analysis.critical import search_critical_points

    mu = args.momentum
    if mu is not None and not (math.isfinite(mu) and 0 <= mu < 1):
        raise UsageError(f"--momentum must be a number 0 ≤ μ < 1, not {mu}")
    landscape = load_landscape(args.function, args.expr, args.domain)
    found = search_critical_points(landscape)
    points = found.points
    rows = []
    for p in points:
        row: dict[str, Any] = {
            "position": list(p.position),
            "value": p.value,
            "kind": p.kind,
            "global": p.is_global,
            "eigenvalues": [e if math.isfinite(e) else None for e in p.eigenvalues],
            "stable_lr_gd": _stable(p, None),
        }
        if mu is not None:
            row["stable_lr_momentum"] = _stable(p, mu)
        rows.append(row)
    data = {"points": rows, "complete": found.complete, "reason": found.reason or None}
    if mu is not None:
        data["momentum"] = mu
    if args.format == "json":
        print(json.dumps(data))
    else:
        print(f"{len(points)} critical point(s) of {landscape.name} on {landscape.domain}:")
        for p, row in zip(points, rows, strict=True):
            pos = ", ".join(f"{c:.10g}" for c in p.position)
            eig = ", ".join(f"{e:.6g}" for e in p.eigenvalues)
            tag = " (global)" if p.is_global else ""
            line = f"  {p.kind + tag:<17} at ({pos})  value {p.value:.10g}  Hessian eigenvalues [{eig}]"
            if p.kind == "minimum":
                line += f"  stable lr: GD < {_lr_text(row['stable_lr_gd'])}"
                if mu is not None:
                    line += f", momentum μ = {mu:g} < {_lr_text(row['stable_lr_momentum'])}"
            print(line)
        if not found.complete:
            print(f"  not complete: {found.reason}; the list may miss some")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "critical",
        help="find and classify the critical points of a landscape, with the stable learning rate at each minimum",
        description='Each minimum carries "stable_lr_gd" = 2/λmax, the learning rate above which gradient '
        "descent oscillates outward from it (λmax: the Hessian's largest eigenvalue there); with --momentum μ "
        'also "stable_lr_momentum" = 2(1+μ)/λmax (heavy-ball momentum). null at other points, and where '
        "λmax ≤ 0 or is not finite.",
    )
    add_landscape_args(p)
    p.add_argument(
        "--momentum",
        type=float,
        metavar="MU",
        help="also give each minimum's stable lr for heavy-ball momentum μ: 2(1+μ)/λmax (0 ≤ μ < 1)",
    )
    p.add_argument("--format", choices=("json", "text"), default="json", help="output format (default: json)")
    p.set_defaults(func=cmd_critical)
