"""Command line: ``landscape-gui`` launches the app; subcommands work without a display.

    landscape-gui [SCENARIO.toml|PRESET] the app (optionally opening a scenario file or a preset)
    landscape-gui --reset               forget the saved settings: the next start is a first run
    landscape-gui functions             built-in landscapes
    landscape-gui optimizers            optimizers, their hyperparameters and state buffers
    landscape-gui schedules             learning-rate schedules and their parameters
    landscape-gui trace ...             trajectories as JSON or CSV
    landscape-gui trace SCENARIO        every run of a scenario file or preset, as JSON or CSV
    landscape-gui critical ...          critical points as JSON or text, with the stable lr at each minimum
    landscape-gui spectrum              the eigenvalues of the trained network's Hessian at θ*
    landscape-gui basins ...            basins of attraction: a PNG map and the shares
    landscape-gui restarts ...          random restarts: outcome shares and success probability
    landscape-gui train ...             train the whole network of mlp_slice: losses, projected path, sharpness

Each command is one module of this package (``register(sub)`` adds its parser); bad input exits with status 2 and one line on stderr; nothing else is printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from landscape_gui import __version__
from landscape_gui.cli import basins, critical, export, listing, restarts, spectrum, trace, train
from landscape_gui.cli.common import PROG, Parser, UsageError
from landscape_gui.core.limits import shorten

#: The modules that add a command each, in the order ``--help`` lists them.
COMMANDS = (listing, trace, critical, spectrum, basins, restarts, train, export)


def cmd_reset() -> int:
    """``--reset``: remove the saved settings (window layout, last session, recent files)."""
    from landscape_gui.gui.settings import reset_settings

    path = reset_settings()
    print(f"settings reset: {path} removed; the next start opens the first-run demo" if path else
          "settings reset: nothing was saved; the next start opens the first-run demo")  # fmt: skip
    return 0


def cmd_gui(scenario: str | None, preset: bool = False) -> int:
    from landscape_gui.gui.app import end_process, run_app

    return end_process(run_app(scenario, preset=preset))


def _window_source(word: str, commands: set[str]) -> tuple[str, bool]:
    """``landscape-gui WORD`` that names no command: a scenario file (.toml) or a preset id opens the window
    on it, as ``export`` and ``trace`` read them; anything else is an unknown command."""
    if word.endswith(".toml"):
        return word, False
    from landscape_gui.core.scenario.presets import preset_path

    try:
        preset_path(word)
    except KeyError:
        raise UsageError(_not_a_command(word, commands)) from None
    return word, True


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        usage="%(prog)s [SCENARIO.toml | PRESET]\n       %(prog)s COMMAND [options]\n       %(prog)s --reset",
        description="See why gradient descent gets stuck. With no arguments, a scenario file (SCENARIO.toml) "
        "or a preset id (see 'presets'), it opens the window; a command runs without a display and prints "
        "its result.",
        epilog="'%(prog)s COMMAND --help' lists a command's options.",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="forget the saved window layout, last session and recent files: the next start is a first run",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # prog: the subcommands' usage lines start "landscape-gui trace", not with the custom usage above
    sub = parser.add_subparsers(
        dest="command", parser_class=Parser, title="commands", metavar="COMMAND", prog=PROG
    )

    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The ``landscape-gui`` command; returns the exit status."""
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl+C outside an export (which handles its own) or the app
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _main(argv: Sequence[str] | None) -> int:
    from landscape_gui.core.allocator import keep_freed_memory

    keep_freed_memory()  # the app and every command step many runs: see core/allocator.py
    quiet_numpy_warnings()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    subparsers = parser._subparsers  # noqa: SLF001
    assert subparsers is not None  # build_parser adds the commands
    commands = set(subparsers._group_actions[0].choices or ())  # noqa: SLF001
    try:
        if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
            if len(argv) > 1:
                raise UsageError(_not_a_command(argv[0], commands))
            if not argv:
                return cmd_gui(None)
            return cmd_gui(*_window_source(argv[0], commands))
        args = parser.parse_args(argv)
        if args.reset:
            if args.command is not None:
                raise UsageError("--reset takes no command: run 'landscape-gui --reset' on its own")
            return cmd_reset()
        if args.command is None:
            parser.print_help()
            return 0
        return args.func(args)
    except UsageError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `landscape-gui trace ... | head`
        return 0


def _not_a_command(word: str, commands) -> str:
    """What ``landscape-gui WORD`` is, when WORD is neither a command nor a scenario to open: a path (one that
    exists, or has a folder in it) is not a scenario file; anything else is an unknown command."""
    import os

    known = ", ".join(sorted(commands))
    if os.sep in word or os.path.lexists(word):
        return (
            f"{shorten(word)!r} is not a scenario file (the window opens a .toml scenario); commands: {known}"
        )
    return (
        f"unknown command {shorten(word)!r} (commands: {known}; or a preset id, see 'landscape-gui presets', or a"
        " scenario file SCENARIO.toml)"
    )


def quiet_numpy_warnings() -> None:
    """No numpy floating-point warnings on stderr: overflow or 0/0 while evaluating a landscape far out is
    expected (a diverging run, a steep formula) and is reported as data (``diverged``, ``null``); the
    warning's file and line would point into this program's internals, not at anything the user did."""
    import warnings

    warnings.filterwarnings(
        "ignore",
        message=r"(overflow|invalid value|divide by zero|underflow) encountered",
        category=RuntimeWarning,
    )
