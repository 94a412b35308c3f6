"""Landscapes: the Landscape type, the built-in library, user formulas (an AST whitelist, then sympy), domains."""
