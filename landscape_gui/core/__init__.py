"""The numerical core: numpy (and sympy) only, never Qt. Usable from scripts and tests without a display."""
