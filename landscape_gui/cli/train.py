"""``train``: one optimizer trains the whole network of ``mlp_slice``; its path projected on its PCA plane."""

from __future__ import annotations

import argparse
import sys

from landscape_gui.cli.common import UsageError, optimizer_from_args, parse_schedule_option

EPILOG = """\
The network of mlp_slice (2-16-16-2 tanh, 354 parameters, the same 200 two-moons points) trains from
Glorot-uniform weights and zero biases drawn by numpy.random.default_rng(SEED), on the mean cross-entropy
of the data with integer labels, nothing added (weight decay only through an optimizer's weight_decay, as in
torch). Every step goes through the app's update path: the optimizer, its schedule, minibatches drawn like
DataLoader(shuffle=True) from --seed, and sgd's own gradient noise (sigma = its 'noise', 1 by default:
--set noise=0 for plain minibatch SGD).

JSON: "architecture", "loss_name", "data" {x, y}, "theta0" (per layer: the weight matrix out x in, row by
row, then the bias), "loss" and "accuracy" (the whole data's, steps 0 ... S), "path2d" (each step's theta
projected on the plane through the final point spanned by the path's first two principal components, Li et
al. 2018), "explained" (their shares of the path's variance), "sharpness" ([step, largest eigenvalue of the
exact Hessian] every k steps, from step 0), "lr" (each step's), "max_distance" (of the path from the plane)."""


def cmd_train(args) -> int:
    from landscape_gui.core.analysis.trace import MAX_SEED, dumps_strict
    from landscape_gui.core.blas import blas_threads
    from landscape_gui.core.training.problem import mlp_slice_problem
    from landscape_gui.core.training.projection import project
    from landscape_gui.core.training.train import check_training_size, default_every, train

    optimizer, params = optimizer_from_args(args.optimizer, args.set)
    schedule = parse_schedule_option(args.schedule)
    if not 0 <= args.seed <= MAX_SEED:
        raise UsageError(f"--seed must be an integer 0 … {MAX_SEED}, not {args.seed}")
    problem = mlp_slice_problem()
    n = problem.n_samples
    if args.batch_size is not None and not 1 <= args.batch_size <= n:
        raise UsageError(f"--batch-size must be 1 … {n} (the samples of the data), not {args.batch_size}")
    every = default_every(args.steps) if args.every is None else args.every
    newton_steps = args.steps if optimizer.needs_hessian else 0
    problem_text = check_training_size(args.steps, problem.n_parameters, 1, every, newton_steps)
    if problem_text:
        raise UsageError(problem_text)
    try:
        with blas_threads(1):  # small matrices: one BLAS thread is faster (core/blas.py)
            out = train(
                problem,
                [(optimizer.id, params, schedule)],
                steps=args.steps,
                seed=args.seed,
                batch_size=args.batch_size,
                every=every,
            )
            run = out.runs[0]
            projection = project([run.path])
    except ValueError as e:
        raise UsageError(str(e)) from None
    result = {
        "optimizer": optimizer.id,
        "params": run.params,
        "schedule": {"name": schedule.id, **schedule.resolved()},
        "batch_size": args.batch_size,
        "seed": args.seed,
        "steps": args.steps,
        "every": every,
        "noise": run.noise,
        **problem.describe_json(),
        "theta0": out.theta0.tolist(),
        "loss": run.loss.tolist(),
        "accuracy": run.accuracy.tolist(),
        "path2d": projection.paths[0].tolist(),
        "explained": list(projection.explained),
        "sharpness": [[int(s), v] for s, v in run.sharpness.tolist()],
        "lr": run.lr.tolist(),
        "max_distance": projection.max_distance[0],
        "status": run.status,
    }
    sys.stdout.write(dumps_strict(result) + "\n")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "train",
        help="train the whole network of mlp_slice with one optimizer: losses, projected path, sharpness",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--optimizer", required=True, metavar="ID", help="optimizer id (see 'landscape-gui optimizers')"
    )
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a hyperparameter (repeatable)"
    )
    p.add_argument(
        "--schedule",
        metavar="NAME[:KEY=VALUE,...]",
        help="learning-rate schedule, stepped after every step (see 'landscape-gui schedules'; default: constant)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        metavar="B",
        help="each step uses the mean gradient of B samples (default: all 200)",
    )
    p.add_argument("--steps", type=int, required=True, metavar="S", help="number of steps")
    p.add_argument(
        "--seed",
        type=int,
        required=True,
        metavar="K",
        help="seed of the initial weights, the minibatches and the gradient noise",
    )
    p.add_argument(
        "--every",
        type=int,
        metavar="k",
        help="the sharpness every k steps, from step 0 (default: about 50 points over the run)",
    )
    p.add_argument("--format", choices=("json",), default="json", help="output format (json)")
    p.set_defaults(func=cmd_train)
