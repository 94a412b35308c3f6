"""Test-wide settings.

Hypothesis draws the same examples on every run (``derandomize``), so CI is repeatable: a formula fuzzer
that found a formula sympy takes minutes to differentiate would otherwise stall a random CI run. Explore
new examples with ``pytest --hypothesis-profile=explore``.
"""

from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default")
