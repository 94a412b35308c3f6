"""The limits on what comes in, one set for every way in: scenario files, the window, the command line and the
saved session read them from here.

Each limit bounds an input (a number of steps, of start points, a seed, a σ, a tolerance); :func:`check_work`
bounds what the inputs multiply into — start points × steps, times the samples each step evaluates on a
landscape made of data — so that no combination of allowed values runs for hours. :func:`shorten` bounds how
much of the user's text an error message echoes back.

>>> check_work(200 * 200, 500) is None
True
>>> check_work(1000 * 1000, 1_000_000)
'1000000 start points × 1000000 steps is too much work: at most 1000000000 (start points × steps)'
>>> shorten("x" * 100)
'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (100 characters)'
"""

from __future__ import annotations

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_ECHO",
    "MAX_FRAMES",
    "MAX_K",
    "MAX_NOISE",
    "MAX_RESTARTS",
    "MAX_SEED",
    "MAX_SIDE",
    "MAX_STARTS",
    "MAX_STEPS",
    "MAX_TITLE",
    "MAX_TOL",
    "MAX_TRACE_POINTS",
    "MAX_WORK",
    "check_count",
    "check_work",
    "shorten",
]

#: Steps of one run.
MAX_STEPS = 1_000_000
#: Start points of one simulation (a scenario's ``[run] starts``, ``trace --start``).
MAX_STARTS = 10_000
#: Seeds: numpy's generators take any integer ≥ 0; this is the range every input accepts.
MAX_SEED = 2**63 - 1
#: Gradient noise σ.
MAX_NOISE = 1e6
#: Distance within which a run counts as having reached a critical point (basins, restarts).
MAX_TOL = 1e6
#: Most trajectory points (start points × (steps + 1)) one ``trace`` may hold: ~100 MB of float64 paths and
#: losses in 2-D, and a few hundred MB of text.
MAX_TRACE_POINTS = 4_000_000
#: Most particle-steps of one analysis (basins, restarts): start points × steps, times the samples each
#: step evaluates on a landscape made of data. About a minute of plain gradient descent on a formula here
#: (2-core machine); each start's work is independent, so this is what bounds the time, not any one input.
MAX_WORK = 1_000_000_000
#: Random restarts of one analysis, and the longest success curve (k = 1 … max_k restarts).
MAX_RESTARTS = 1_000_000
MAX_K = 100_000
#: Length of a scenario's title and of its description, in characters (they are drawn into every frame).
MAX_TITLE = 200
MAX_DESCRIPTION = 4000
#: Longest side of an exported frame, in pixels (8K), and most frames in one exported clip.
MAX_SIDE = 7680
MAX_FRAMES = 100_000
#: Characters of the user's own text an error message echoes back.
MAX_ECHO = 60


def check_count(value: object, low: int, high: int, what: str) -> str | None:
    """Why ``value`` is not a whole number ``low`` … ``high`` (``what`` names it in the message), or None.

    >>> check_count(10**32, 0, MAX_SEED, "--seed")
    '--seed must be an integer 0 … 9223372036854775807, not 100000000000000000000000000000000'
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"{what} must be an integer {low} … {high}, not {shorten(str(value))}"
    return None


def check_work(starts: int, steps: int, samples: int = 1) -> str | None:
    """Why ``starts`` start points stepped ``steps`` times (each step evaluating ``samples`` samples of a data
    landscape; 1 for a formula) is too much work for one analysis, or None when it is within
    :data:`MAX_WORK`."""
    work = int(starts) * int(steps) * max(1, int(samples))
    if work <= MAX_WORK:
        return None
    per = f" × {samples} samples per step" if samples > 1 else ""
    return (
        f"{starts} start points × {steps} steps{per} is too much work: at most {MAX_WORK} "
        f"(start points × steps{' × samples' if per else ''})"
    )


def shorten(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` as an error message may echo it: at most ``limit`` characters, then how long it was."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 5]}… ({len(text)} characters)"
