"""numpy-naive: the seed's "numpy" rung (diffusion_numpy_naive.py).

Whole-array expressions move the loops into NumPy's C code, but every step
allocates new arrays: four rolled copies, the temporaries of the sum, and the
new grid.

Periodic boundaries are the seed's np.roll. For the other boundaries the
shifted copies are cut from a padded copy of the grid (np.pad with mode
"edge" for reflecting, "constant" for fixed=V): one more new array per step,
in the same spirit.
"""
import numpy as np


def laplacian(grid, boundary):
    if boundary.kind == "periodic":
        return (np.roll(grid, +1, 0) + np.roll(grid, -1, 0) +
                np.roll(grid, +1, 1) + np.roll(grid, -1, 1) - 4 * grid)
    if boundary.kind == "reflecting":
        padded = np.pad(grid, 1, mode="edge")
    else:
        padded = np.pad(grid, 1, mode="constant", constant_values=boundary.value)
    return (padded[:-2, 1:-1] + padded[2:, 1:-1] +
            padded[1:-1, :-2] + padded[1:-1, 2:] - 4 * grid)


def evolve(grid, dt, boundary, D=1):
    return grid + dt * D * laplacian(grid, boundary)


def run_experiment(grid, scratch, num_iterations, dt, D, boundary, threads=1):
    for _ in range(num_iterations):
        grid = evolve(grid, dt, boundary, D)
    return grid


def version():
    return f"numpy {np.__version__}"
