"""Runs and what they mean: the simulation, statuses, critical points, basins, restarts, the Hessian inspector, trace."""
