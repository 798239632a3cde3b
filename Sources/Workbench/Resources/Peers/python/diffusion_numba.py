"""numba-parallel: beyond the seed. The loops of the pure-Python rung, compiled.

@njit(parallel=True) turns the row loop (prange) into a parallel loop over all
cores; fastmath=False keeps IEEE arithmetic, so the result matches NumPy's to
rounding. The boundary is chosen once per row (which rows lie above and below)
and once per row end, so the inner loop over columns is plain and vectorizes.
A fixed boundary's missing row is a preallocated row filled with V.

The warm-up run of the timing protocol includes the JIT compilation; the
timed runs do not.
"""
import numba
import numpy as np
from numba import njit, prange

PERIODIC, REFLECTING, FIXED = 0, 1, 2
KINDS = {"periodic": PERIODIC, "reflecting": REFLECTING, "fixed": FIXED}


@njit(parallel=True, fastmath=False)
def evolve(grid, dt_D, next_grid, kind, value, ghost):
    rows, cols = grid.shape
    four = grid.dtype.type(4)
    for i in prange(rows):
        centre = grid[i]
        if i > 0:
            up = grid[i - 1]
        elif kind == PERIODIC:
            up = grid[rows - 1]
        elif kind == REFLECTING:
            up = centre
        else:
            up = ghost
        if i < rows - 1:
            down = grid[i + 1]
        elif kind == PERIODIC:
            down = grid[0]
        elif kind == REFLECTING:
            down = centre
        else:
            down = ghost
        if kind == PERIODIC:
            left, right = centre[cols - 1], centre[0]
        elif kind == REFLECTING:
            left, right = centre[0], centre[cols - 1]
        else:
            left, right = value, value
        out = next_grid[i]
        out[0] = centre[0] + dt_D * (up[0] + down[0] + left + centre[1] - four * centre[0])
        for j in range(1, cols - 1):
            out[j] = centre[j] + dt_D * (up[j] + down[j] + centre[j - 1] + centre[j + 1]
                                         - four * centre[j])
        n = cols - 1
        out[n] = centre[n] + dt_D * (up[n] + down[n] + centre[n - 1] + right - four * centre[n])


def run_experiment(grid, scratch, num_iterations, dt, D, boundary, threads=None):
    # Scalars of the grid's dtype keep float32 grids in float32.
    scalar = grid.dtype.type
    dt_D, value = scalar(dt * D), scalar(boundary.value)
    ghost = np.full(grid.shape[1], value, dtype=grid.dtype)
    kind = KINDS[boundary.kind]
    for _ in range(num_iterations):
        evolve(grid, dt_D, scratch, kind, value, ghost)
        grid, scratch = scratch, grid
    return grid


def threads(requested):
    """Set Numba's thread count (default and ceiling: NUMBA_NUM_THREADS) and return it."""
    count = min(requested or numba.config.NUMBA_NUM_THREADS, numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(count)
    return count


def version():
    return f"numba {numba.__version__}, numpy {np.__version__}"
