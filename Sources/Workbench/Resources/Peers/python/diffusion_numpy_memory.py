"""numpy-inplace: the seed's "numpy + memory" rung (diffusion_numpy_memory.py).

In-place operators (np.copyto, *=, +=) write into one preallocated scratch
array, and the two arrays are swapped after each step, so the grid itself is
never reallocated. np.roll still makes a copy for each of the four shifts:
that is what the next rung removes.

For non-periodic boundaries each rolled copy has its wrapped-around edge row
or column overwritten before it is added: with the edge of the grid itself
(reflecting) or with V (fixed=V).
"""
import numpy as np


def shifted(grid, shift, axis, boundary):
    rolled = np.roll(grid, shift, axis)
    if boundary.kind != "periodic":
        edge = [slice(None), slice(None)]
        edge[axis] = 0 if shift > 0 else -1  # where the opposite edge landed
        edge = tuple(edge)
        rolled[edge] = grid[edge] if boundary.kind == "reflecting" else boundary.value
    return rolled


def laplacian(grid, out, boundary):
    np.copyto(out, grid)
    out *= -4
    out += shifted(grid, +1, 0, boundary)
    out += shifted(grid, -1, 0, boundary)
    out += shifted(grid, +1, 1, boundary)
    out += shifted(grid, -1, 1, boundary)


def evolve(grid, dt, out, boundary, D=1):
    laplacian(grid, out, boundary)
    out *= D * dt
    out += grid


def run_experiment(grid, scratch, num_iterations, dt, D, boundary, threads=1):
    for _ in range(num_iterations):
        evolve(grid, dt, scratch, boundary, D)
        grid, scratch = scratch, grid
    return grid


def version():
    return f"numpy {np.__version__}"
