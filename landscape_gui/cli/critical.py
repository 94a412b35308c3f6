"""``critical``: the critical points of a landscape, found and classified."""

from __future__ import annotations

import json
import math

from landscape_gui.cli.common import add_landscape_args, load_landscape


def cmd_critical(args) -> int:
    """``critical``: ``{"points": [...], "complete": bool, "reason": str | null}`` (JSON) or a table (text).

    ``complete`` is false, with the ``reason``, when the search could not cover the domain (it ran out of
    time, or the domain is too large for its grid to resolve the points): the list may then miss some.
    """
    from landscape_gui.core.analysis.critical import search_critical_points

    landscape = load_landscape(args.function, args.expr, args.domain)
    found = search_critical_points(landscape)
    points = found.points
    data = {
        "points": [
            {
                "position": list(p.position),
                "value": p.value,
                "kind": p.kind,
                "global": p.is_global,
                "eigenvalues": [e if math.isfinite(e) else None for e in p.eigenvalues],
            }
            for p in points
        ],
        "complete": found.complete,
        "reason": found.reason or None,
    }
    if args.format == "json":
        print(json.dumps(data))
    else:
        print(f"{len(points)} critical point(s) of {landscape.name} on {landscape.domain}:")
        for p in points:
            pos = ", ".join(f"{c:.10g}" for c in p.position)
            eig = ", ".join(f"{e:.6g}" for e in p.eigenvalues)
            tag = " (global)" if p.is_global else ""
            print(f"  {p.kind + tag:<17} at ({pos})  value {p.value:.10g}  Hessian eigenvalues [{eig}]")
        if not found.complete:
            print(f"  not complete: {found.reason}; the list may miss some")
    return 0


def register(sub) -> None:
    p = sub.add_parser("critical", help="find and classify the critical points of a landscape")
    add_landscape_args(p)
    p.add_argument("--format", choices=("json", "text"), default="json", help="output format (default: json)")
    p.set_defaults(func=cmd_critical)
