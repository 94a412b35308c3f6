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
    from landscape_gui.core.limits import MAX_K, MAX_RESTARTS

    inputs = analysis_inputs(args)
    section = inputs.scenario.restarts if inputs.scenario is not None else None
    tol = tolerance(args, section)
    n = args.n if args.n is not None else (section.n if section is not None else None)
    if n is None:
        raise UsageError("give --n N, the number of random restarts")
    if not 1 <= n <= MAX_RESTARTS:
        raise UsageError(f"--n must be from 1 to {MAX_RESTARTS} runs, not {n}")
    max_k = section.max_k if section is not None else 50
    if not 1 <= max_k <= MAX_K:
        raise UsageError(f"max_k must be from 1 to {MAX_K}, not {max_k}")
    from landscape_gui.core.analysis.restarts import restarts_work

    too_much = restarts_work(inputs.problem(tol), n, max_k)  # the n runs and the success curve's own
    if too_much:
        raise UsageError(f"{too_much}; use a smaller --n or [restarts] max_k, or fewer --steps")
    (r,) = run_restarts(
        inputs.landscape, [(inputs.optimizer, inputs.params, inputs.schedule)], n=n, seed=inputs.seed,
        steps=inputs.steps, tol=tol, noise=inputs.noise, max_k=max_k, batch_size=inputs.batch_size,
    )  # fmt: skip
    if args.format == "json":
        print(json.dumps(restarts_json(r, inputs.function, inputs.steps, tol, inputs.seed)))
    else:
        print(restarts_text(r, inputs.landscape.name, inputs.steps))
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
