"""scipy-laplace: the seed's "scipy" rung (diffusion_scipy.py).

scipy.ndimage.laplace computes the 5-point Laplacian in compiled code, into a
preallocated output, as two 1-D second-derivative filters; its general
boundary machinery (mode="wrap" for periodic, "nearest" for reflecting,
"constant" with cval=V for fixed=V) is what makes it slower than roll-add.
For float32 grids ndimage accumulates in float64 and stores float32.
"""
import numpy as np
import scipy
from scipy.ndimage import laplace

MODES = {"periodic": "wrap", "reflecting": "nearest", "fixed": "constant"}


def laplacian(grid, out, boundary):
    laplace(grid, out, mode=MODES[boundary.kind], cval=boundary.value)


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
    return f"scipy {scipy.__version__}, numpy {np.__version__}"
