"""numexpr: the seed's "numpy + memory2 + numexpr" rung.

The Laplacian is the previous rung's roll-add; the update is one numexpr
expression, compiled once and evaluated in cache-sized blocks on all cores,
written straight into next_grid. Boundaries are handled by roll_add.
"""
import os

import numexpr
import numpy as np
from numexpr import evaluate

from diffusion_numpy_memory2 import laplacian


def evolve(grid, dt, next_grid, boundary, D=1):
    laplacian(grid, next_grid, boundary)
    evaluate("next_grid*D*dt+grid", out=next_grid)


def run_experiment(grid, scratch, num_iterations, dt, D, boundary, threads=None):
    # Scalars of the grid's dtype keep a float32 expression in float32.
    D, dt = grid.dtype.type(D), grid.dtype.type(dt)
    for _ in range(num_iterations):
        evolve(grid, dt, scratch, boundary, D)
        grid, scratch = scratch, grid
    return grid


def threads(requested):
    """Set numexpr's thread count (default: all cores) and return it."""
    count = requested or os.cpu_count() or 1
    count = min(count, numexpr.MAX_THREADS)
    numexpr.set_num_threads(count)
    return count


def version():
    return f"numexpr {numexpr.__version__}, numpy {np.__version__}"
