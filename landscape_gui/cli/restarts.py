"""``restarts``: random restarts, their outcome shares, success probability and best run."""

from __future__ import annotations

import json

from landscape_gui.cli.analysis import (
    add_analysis_args,
    analysis_inputs,
    restarts_json,
    restarts_text,
    tolerance,
)
from landscape_gui.cli.common import UsageError


def cmd_restarts(args) -> int:
    from landscape_gui.core.analysis.restarts import run_restarts

    landscape, function, oid, params, steps, noise, seed, scenario = analysis_inputs(args)
    section = scenario.restarts if scenario is not None else None
    tol = tolerance(args, section)
    n = args.n if args.n is not None else (section.n if section is not None else None)
    if n is None:
        raise UsageError("give --n N, the number of random restarts")
    if not 1 <= n <= 1_000_000:
        raise UsageError(f"--n must be from 1 to 1000000 runs, not {n}")
    max_k = section.max_k if section is not None else 50
    (r,) = run_restarts(
        landscape, [(oid, params)], n=n, seed=seed, steps=steps, tol=tol, noise=noise, max_k=max_k
    )
    if args.format == "json":
        print(json.dumps(restarts_json(r, function, steps, tol, seed)))
    else:
        print(restarts_text(r, landscape.name, steps))
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "restarts", help="random restarts: outcome shares, success probability and the best run"
    )
    add_analysis_args(p)
    p.add_argument(
        "--n",
        type=int,
        metavar="N",
        help="number of random starts (default: the scenario's [restarts] n; required with --function/--expr)",
    )
    p.set_defaults(func=cmd_restarts)
