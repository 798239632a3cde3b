#!/usr/bin/env python3
"""Compute a reference field for any Diffuse workload with NumPy (or SciPy).

The same model as `diffuse run`: u_t = D ∇²u, explicit Euler, five-point
Laplacian, r = D·dt/dx², with periodic, reflecting or fixed=V boundaries and
the same initial conditions (block, gaussian[=WIDTH], point, file:PATH).
The result is written as a .npy file that Diffuse's tests use as a fixture
and that `diffuse run --output` can be compared with.

Two independent formulations, to cross-check each other:
  --method pad    np.pad with the boundary's mode, then slices (default)
  --method scipy  scipy.ndimage.laplace(mode=wrap|nearest|constant, cval=V)

Examples:
  python3 Scripts/numpy_reference.py --output golden.npy          # the seed's workload
  python3 Scripts/numpy_reference.py --size 17x23 --iterations 40 \\
      --boundary fixed=0.5 --initial gaussian --dt 0.2 --output f.npy
"""
import argparse
import sys

import numpy as np


def parse_size(text):
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) == 1:
        parts = parts * 2
    rows, cols = (int(p) for p in parts)
    if rows < 3 or cols < 3:
        raise argparse.ArgumentTypeError("each side must be at least 3")
    return rows, cols


def parse_boundary(text):
    if text in ("periodic", "reflecting"):
        return text, 0.0
    if text == "fixed":
        return "fixed", 0.0
    if text.startswith("fixed="):
        return "fixed", float(text[len("fixed="):])
    raise argparse.ArgumentTypeError("expected periodic, reflecting, fixed or fixed=V")


def initial_field(kind, rows, cols, dtype):
    """The initial conditions exactly as DiffusionKit's InitialCondition makes them."""
    grid = np.zeros((rows, cols), dtype=np.float64)
    if kind == "block":
        grid[int(rows * .4):int(rows * .5), int(cols * .4):int(cols * .5)] = 0.005
    elif kind == "gaussian" or kind.startswith("gaussian="):
        sigma = float(kind.split("=", 1)[1]) if "=" in kind else max(1.0, min(rows, cols) / 10)
        i = np.arange(rows, dtype=np.float64)[:, None] - (rows - 1) / 2
        j = np.arange(cols, dtype=np.float64)[None, :] - (cols - 1) / 2
        grid = np.exp(-(i * i + j * j) / (2 * sigma * sigma))
    elif kind == "point":
        grid[rows // 2, cols // 2] = 1.0
    elif kind.startswith("file:"):
        grid = np.load(kind[len("file:"):]).astype(np.float64)
    else:
        raise SystemExit(f"unknown initial condition {kind!r}")
    return grid.astype(dtype)


def laplacian_pad(grid, boundary, value):
    """u[i+1,j] + u[i-1,j] + u[i,j+1] + u[i,j-1] - 4u[i,j], in the model's order."""
    if boundary == "periodic":
        padded = np.pad(grid, 1, mode="wrap")
    elif boundary == "reflecting":
        padded = np.pad(grid, 1, mode="edge")
    else:
        padded = np.pad(grid, 1, mode="constant", constant_values=grid.dtype.type(value))
    south, north = padded[2:, 1:-1], padded[:-2, 1:-1]
    east, west = padded[1:-1, 2:], padded[1:-1, :-2]
    return south + north + east + west - 4 * grid


def laplacian_scipy(grid, boundary, value):
    from scipy import ndimage
    mode = {"periodic": "wrap", "reflecting": "nearest", "fixed": "constant"}[boundary]
    return ndimage.laplace(grid, mode=mode, cval=value)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=parse_size, default=(640, 640), help="N or RxC (default 640)")
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--diffusivity", type=float, default=1.0)
    parser.add_argument("--dt", type=float, default=0.1)
    parser.add_argument("--dx", type=float, default=1.0)
    parser.add_argument("--boundary", type=parse_boundary, default=("periodic", 0.0))
    parser.add_argument("--initial", default="block")
    parser.add_argument("--precision", choices=["double", "float"], default="double")
    parser.add_argument("--method", choices=["pad", "scipy"], default="pad")
    parser.add_argument("--output", required=True, help="the .npy file to write")
    args = parser.parse_args()

    dtype = np.float64 if args.precision == "double" else np.float32
    rows, cols = args.size
    boundary, value = args.boundary
    grid = initial_field(args.initial, rows, cols, dtype)
    r = dtype(args.diffusivity * args.dt / (args.dx * args.dx))
    laplacian = laplacian_pad if args.method == "pad" else laplacian_scipy
    for _ in range(args.iterations):
        grid = grid + r * laplacian(grid, boundary, value)
    if not np.all(np.isfinite(grid)):
        print("warning: the field is not finite (unstable?)", file=sys.stderr)
    np.save(args.output, grid.astype(dtype))
    print(f"{args.output}: {rows}x{cols}, {args.iterations} steps, sum {grid.sum():.17g}")


if __name__ == "__main__":
    main()
