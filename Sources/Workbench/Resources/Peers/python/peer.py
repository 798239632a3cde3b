#!/usr/bin/env python3
"""Run one of Diffuse's Python peers on one workload and time it.

    python3 peer.py --peer numpy-naive --input IN.npy --output OUT.npy \\
        --iterations 500 --diffusivity 1 --dt 0.1 --dx 1 --boundary periodic \\
        --budget 2 --min-runs 3 [--threads T]

Each peer is a module beside this file, named after the seed's file for that rung
(diffusion_numpy_naive.py, ...). It defines `evolve`, close to the seed's code, and
`run_experiment(grid, scratch, num_iterations, dt, D, boundary, threads)`, which
steps `grid` and returns the final field. D there is the diffusivity in grid
units, D/dx², so that with the seed's dx = 1 the update is the seed's
`grid + dt * D * laplacian`.

Timing protocol (the same in every peer, Python or C): one untimed warm-up run of
the whole workload (for Numba it includes the JIT compilation), then full runs,
each starting again from the initial field, until --budget seconds of runs have
been spent and at least --min-runs runs are done (but at most
max(--min-runs, 1000) runs). Only `run_experiment` is timed, not the file I/O nor
the copy of the initial field. The final field of the last run is written to
--output with the input's dtype and shape, and one JSON object goes to stdout:

    {"peer": ..., "times_s": [...], "best_s": ..., "median_s": ..., "runs": N,
     "threads": T, "version": "numpy 2.4.6"}

Exit status: 0 ran; 1 error (one line on stderr); 2 bad command line;
3 skipped, because a module the peer needs does not import (the reason on stderr).

`peer.py --probe MODULE ...` prints {"python": VERSION, "modules": {NAME:
{"version": ...} or {"error": ...}}} and is how Diffuse checks a peer's
requirements before running it. This script imports nothing beyond the standard
library until it knows which peer to run.
"""

import argparse
import importlib
import json
import os
import platform
import statistics
import sys
import time
from collections import namedtuple

EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED = 1, 2, 3
MAX_RUNS = 1000  # beyond --min-runs; tiny workloads would otherwise run millions of times

# peer name -> (module beside this file, modules it needs)
PEERS = {
    "numpy-naive": ("diffusion_numpy_naive", ["numpy"]),
    "numpy-inplace": ("diffusion_numpy_memory", ["numpy"]),
    "numpy-roll-add": ("diffusion_numpy_memory2", ["numpy"]),
    "numexpr": ("diffusion_numpy_memory2_numexpr", ["numpy", "numexpr"]),
    "scipy-laplace": ("diffusion_scipy", ["numpy", "scipy"]),
    "numba-parallel": ("diffusion_numba", ["numpy", "numba"]),
    "numpy-spectral": ("diffusion_spectral", ["numpy", "scipy"]),
    "devito": ("diffusion_devito", ["numpy", "devito"]),
}

# kind: "periodic" | "reflecting" | "fixed"; value: the fixed value (0.0 otherwise)
Boundary = namedtuple("Boundary", "kind value")


class PeerError(Exception):
    """An error reported as one line on stderr."""


class PeerSkipped(PeerError):
    """A module the peer needs does not import."""


def parse_boundary(text):
    if text in ("periodic", "reflecting"):
        return Boundary(text, 0.0)
    if text.startswith("fixed="):
        try:
            value = float(text[len("fixed="):])
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            raise PeerError(f"--boundary fixed=V needs a finite number (got {text!r})")
        return Boundary("fixed", value)
    raise PeerError(f"--boundary must be periodic, reflecting or fixed=V (got {text!r})")


def probe(modules):
    report = {"python": platform.python_version(), "modules": {}}
    for name in modules:
        try:
            module = importlib.import_module(name)
            report["modules"][name] = {"version": getattr(module, "__version__", "unknown")}
        except Exception as error:  # ImportError, or a broken install raising anything
            missing = isinstance(error, ModuleNotFoundError) and error.name == name
            report["modules"][name] = {"error": str(error), "missing": missing}
    print(json.dumps(report))
    return 0


def import_peer(name):
    """The peer's module, or a PeerError whose message says why it was skipped."""
    module_name, requirements = PEERS[name]
    for requirement in requirements:
        try:
            importlib.import_module(requirement)
        except ModuleNotFoundError as error:
            if error.name == requirement:
                raise PeerSkipped(f"{requirement} is not installed (pip install {requirement})")
            raise PeerSkipped(f"{requirement} cannot be imported: {error}")
        except Exception as error:
            raise PeerSkipped(f"{requirement} cannot be imported: {error}")
    return importlib.import_module(module_name)


def load_field(path, np):
    try:
        field = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise PeerError(f"cannot open {path}: no such file")
    except Exception as error:
        raise PeerError(f"cannot read {path} as .npy: {error}")
    if field.ndim != 2:
        raise PeerError(f"{path}: the array is not two-dimensional (shape {field.shape})")
    if field.dtype not in (np.dtype("<f8"), np.dtype("<f4")):
        raise PeerError(f"{path}: dtype {field.dtype.str} is not supported (use '<f8' or '<f4')")
    rows, cols = field.shape
    if rows < 3 or cols < 3:
        raise PeerError(f"{path}: the grid is {rows} × {cols}; it must be at least 3 × 3")
    return np.ascontiguousarray(field)


def measure(peer, args):
    module = import_peer(peer)
    import numpy as np

    boundary = parse_boundary(args.boundary)
    # A peer that cannot run this boundary says why (devito: fixed only).
    reason = module.unsupported(boundary) if hasattr(module, "unsupported") else None
    if reason:
        raise PeerSkipped(reason)
    initial = load_field(args.input, np)
    D = args.diffusivity / (args.dx * args.dx)
    grid = np.empty_like(initial)
    scratch = np.empty_like(initial)
    threads = module.threads(args.threads) if hasattr(module, "threads") else 1

    times, final = [], None
    run, spent = -1, 0.0  # run -1 is the warm-up
    while True:
        np.copyto(grid, initial)
        start = time.perf_counter()
        final = module.run_experiment(grid, scratch, args.iterations, args.dt, D, boundary, threads)
        elapsed = time.perf_counter() - start
        if run >= 0:
            times.append(elapsed)
            spent += elapsed
        run += 1
        if run >= args.min_runs and (spent >= args.budget or run >= MAX_RUNS):
            break

    if final.dtype != initial.dtype or final.shape != initial.shape:
        raise PeerError(f"{peer} returned {final.dtype} {final.shape}, not {initial.dtype} {initial.shape}")
    try:
        with open(args.output, "wb") as out:
            np.save(out, np.ascontiguousarray(final), allow_pickle=False)
    except OSError as error:
        raise PeerError(f"cannot write {args.output}: {error.strerror}")

    return {
        "peer": peer,
        "times_s": times,
        "best_s": min(times),
        "median_s": statistics.median(times),
        "runs": len(times),
        "threads": threads,
        "version": module.version(),
    }


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        print(f"peer.py: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def main(argv=None):
    parser = Parser(description="Run one of Diffuse's Python peers and time it.")
    parser.add_argument("--probe", nargs="+", metavar="MODULE",
                        help="report which of these modules import, as JSON, and exit")
    parser.add_argument("--peer", choices=sorted(PEERS))
    parser.add_argument("--input")
    parser.add_argument("--output")
    parser.add_argument("--iterations", type=int)
    parser.add_argument("--diffusivity", type=float)
    parser.add_argument("--dt", type=float)
    parser.add_argument("--dx", type=float)
    parser.add_argument("--boundary")
    parser.add_argument("--budget", type=float, default=1.0)
    parser.add_argument("--min-runs", type=int, default=3)
    parser.add_argument("--threads", type=int)
    args = parser.parse_args(argv)

    if args.probe:
        return probe(args.probe)
    missing = [flag for flag, value in [
        ("--peer", args.peer), ("--input", args.input), ("--output", args.output),
        ("--iterations", args.iterations), ("--diffusivity", args.diffusivity),
        ("--dt", args.dt), ("--dx", args.dx), ("--boundary", args.boundary)] if value is None]
    if missing:
        parser.error(f"missing {', '.join(missing)}")
    if args.iterations < 0:
        parser.error("--iterations must not be negative")
    if not args.dx > 0:
        parser.error("--dx must be positive")
    if args.budget < 0 or args.min_runs < 1 or (args.threads is not None and args.threads < 1):
        parser.error("--budget must be ≥ 0, --min-runs ≥ 1 and --threads ≥ 1")

    try:
        report = measure(args.peer, args)
    except PeerSkipped as error:
        print(f"skipped: {error}".replace("\n", " "), file=sys.stderr)
        return EXIT_SKIPPED
    except PeerError as error:
        print(f"peer.py: {error}".replace("\n", " "), file=sys.stderr)
        return EXIT_ERROR
    except MemoryError:
        print("peer.py: out of memory", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:  # a bug or a library failure: still one line
        print(f"peer.py: {type(error).__name__}: {error}".replace("\n", " "), file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
