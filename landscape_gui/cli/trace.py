"""``trace``: one optimizer from start points, or every run of a scenario, as JSON or CSV."""

from __future__ import annotations

import argparse
import math
import sys

from landscape_gui.cli.common import (
    NOISE_MODEL,
    UsageError,
    add_landscape_args,
    check_batch_size,
    load_landscape,
    load_source,
    optimizer_from_args,
    parse_point,
    parse_schedule_option,
    parse_settings,
)


def trace_noise(optimizer, params: dict[str, float], noise: float | None, explicit: set[str]):
    """``(params, simulation noise, σ)`` for ``trace``: ``--noise`` is the traced optimizer's one σ.

    An optimizer with its own ``noise`` hyperparameter (sgd) takes ``--noise`` as that value; any other gets
    it as the simulation's noise. Giving both ``--noise`` and ``--set noise=...`` is refused.
    """
    own = "noise" in {h.name for h in optimizer.hyperparameters}
    if noise is None:
        return params, 0.0, params.get("noise", 0.0) if own else 0.0
    from landscape_gui.core.analysis.trace import MAX_NOISE

    if not (math.isfinite(noise) and 0 <= noise <= MAX_NOISE):
        raise UsageError(f"--noise must be a finite number 0 … {MAX_NOISE:g}, not {noise}")
    if own:
        if "noise" in explicit:
            raise UsageError("give the noise once: --noise SIGMA or --set noise=SIGMA, not both")
        return optimizer.resolve({**params, "noise": noise}), 0.0, noise
    return params, noise, noise


def cmd_trace(args) -> int:
    from landscape_gui.core.analysis.simulation import Simulation
    from landscape_gui.core.analysis.trace import MAX_SEED, check_trace_size

    if args.scenario is not None:
        return _trace_scenario(args)
    if args.optimizer is None or args.steps is None:
        raise UsageError(
            "the following arguments are required: --optimizer, --steps (or give a scenario: trace SCENARIO)"
        )
    args.seed = 0 if args.seed is None else args.seed
    landscape = load_landscape(args.function, args.expr, args.domain)
    optimizer, params = optimizer_from_args(args.optimizer, args.set)
    if not args.start:
        raise UsageError("give at least one --start X[,Y]")
    starts = [parse_point(s, landscape.dim) for s in args.start]
    problem = check_trace_size(args.steps, len(starts))
    if problem:
        raise UsageError(problem)
    if not 0 <= args.seed <= MAX_SEED:
        raise UsageError(f"--seed must be an integer 0 … {MAX_SEED}, not {args.seed}")
    schedule = parse_schedule_option(args.schedule)
    check_batch_size(args.batch_size, landscape)
    params, sim_noise, sigma = trace_noise(optimizer, params, args.noise, set(parse_settings(args.set)))
    _check_recording(args, args.steps, len(starts))
    sim = Simulation(
        landscape,
        starts,
        [(optimizer.id, params, schedule)],
        noise=sim_noise,
        seed=args.seed,
        max_points=None,
        batch_size=args.batch_size,
    )
    header = {
        "function": landscape.id if args.function else landscape.formula,
        "optimizer": optimizer.id,
        "params": params,
        "schedule": {"name": schedule.id, **schedule.resolved()},
        "noise": sigma,
        "seed": args.seed,
        "batch_size": args.batch_size,
    }
    return _write(args, sim, args.steps, header, None)


def _check_recording(args, steps: int, runs: int) -> None:
    from landscape_gui.core.analysis.trace import check_recording

    problem = check_recording(steps, runs, args.captions)
    if problem:
        raise UsageError(problem)


def _write(args, sim, steps: int, header: dict, run_fields: list[dict] | None) -> int:
    """Step ``sim`` (recording what ``--state`` and ``--captions`` ask for) and write it, streamed: the
    trajectories and the states are held as float64 arrays, never as text or one Python object per step."""
    from landscape_gui.core.analysis.trace import record_steps, write_csv, write_json

    state, extras = record_steps(sim, steps, state=args.state, captions=args.captions)
    if args.format == "json":  # a run's state has one entry per step it took (a diverged run stopped earlier)
        write_json(
            sim, header, sys.stdout, extras, run_fields=run_fields, curvature=args.curvature, state=state
        )
    else:
        write_csv(
            sim,
            tuple(sim.landscape.variables),
            sys.stdout,
            extras,
            curvature=args.curvature,
            optimizer_column=run_fields is not None,
            state=state,
        )
    return 0


def _trace_scenario(args) -> int:
    """``trace SCENARIO``: every start × optimizer of a scenario file or preset, for its steps."""
    from landscape_gui.core.analysis.trace import check_trace_size, scenario_header, scenario_run_fields

    given = [
        flag
        for flag, value in (
            ("--function", args.function),
            ("--expr", args.expr),
            ("--domain", args.domain),
            ("--optimizer", args.optimizer),
            ("--set", args.set),
            ("--start", args.start),
            ("--steps", args.steps),
            ("--noise", args.noise),
            ("--schedule", args.schedule),
            ("--batch-size", args.batch_size),
        )  # fmt: skip
        if value not in (None, [])
    ]
    if given:
        raise UsageError(
            f"trace {args.scenario}: the scenario sets the landscape, optimizers, starts and steps;"
            f" drop {', '.join(given)} (or drop the scenario)"
        )
    scenario = load_source(args.scenario)
    if args.seed is not None:  # the same scenario, another draw of its noise and minibatches
        from dataclasses import replace

        from landscape_gui.core.analysis.trace import MAX_SEED

        if not 0 <= args.seed <= MAX_SEED:
            raise UsageError(f"--seed must be an integer 0 … {MAX_SEED}, not {args.seed}")
        scenario = replace(scenario, seed=args.seed)
    landscape = scenario.build_landscape()
    scenario = scenario.with_drawn_restarts(
        landscape
    )  # random restarts: their own starts, as the window runs
    problem = check_trace_size(scenario.steps, len(scenario.starts))
    if problem:
        raise UsageError(f"trace {args.scenario}: {problem}")
    _check_recording(args, scenario.steps, len(scenario.starts) * len(scenario.optimizers))
    sim = scenario.build_simulation(max_points=None, landscape=landscape)
    return _write(
        args, sim, scenario.steps, scenario_header(scenario, sim), scenario_run_fields(scenario, sim)
    )


def register(sub) -> None:
    p = sub.add_parser(
        "trace",
        help="run one optimizer from start points, or a whole scenario, and print the trajectories",
        epilog=NOISE_MODEL,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="a scenario file (.toml) or a preset id: run all of it (instead of --function ... --steps)",
    )
    add_landscape_args(p)
    p.add_argument("--optimizer", metavar="ID", help="optimizer id (see 'landscape-gui optimizers')")
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a hyperparameter (repeatable)"
    )
    p.add_argument(
        "--schedule",
        metavar="NAME[:KEY=VALUE,...]",
        help="learning-rate schedule, stepped after every step, e.g. cosine:T_max=100,eta_min=0.001 "
        "(see 'landscape-gui schedules'; default: constant)",
    )
    p.add_argument(
        "--start",
        action="append",
        default=[],
        metavar="X[,Y]",
        help="a start point, e.g. --start -1.5,2 (repeatable)",
    )
    p.add_argument("--steps", type=int, metavar="N", help="number of steps (required without a SCENARIO)")
    p.add_argument(
        "--noise",
        type=float,
        default=None,
        metavar="SIGMA",
        help="σ of the Gaussian noise added to each gradient (default: sgd's own noise, 1; others 0)",
    )
    p.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed of the noise and the minibatches (default 0; with a scenario: re-run it with this seed "
        "instead of its own)",
    )
    p.add_argument(
        "--state",
        action="store_true",
        help="add each run's \"state\": per step, the lr it used and the optimizer's buffers after it",
    )
    p.add_argument(
        "--curvature",
        action="store_true",
        help="add each run's \"curvature\": the Hessian's eigenvalues [λmin, λmax] (one value in 1-D) at every "
        "point of its path (data landscapes: the whole data's Hessian)",
    )
    p.add_argument(
        "--captions",
        action="store_true",
        help="add each run's \"captions\": per step, the step's caption (its update in the optimizer's "
        "formulas, with the numbers) as lines of text",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        metavar="B",
        help="data landscapes: each step uses the mean gradient of B samples (default: all of them)",
    )
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default: json)")
    p.set_defaults(func=cmd_trace)
