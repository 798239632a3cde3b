#!/usr/bin/env python3
"""Check every peer against NumPy's golden field and against SciPy.

    python3 check_peers.py            # all peers, all checks (about half a minute)
    python3 check_peers.py --quick    # skip the 640 × 640 golden run
    python3 check_peers.py --peers c numpy-naive

Each peer is run exactly as Diffuse runs it (peer.py for the Python peers, the
compiled diffusion.c for the C peers), through its command line, with a zero
budget and one timed run. Run this script with the Python whose packages you
want checked: the Python peers run under the same interpreter, and a peer whose
module does not import (numexpr, numba) is reported as skipped.

Checks:
  golden    640 × 640, 500 steps, periodic, float64: max |peer − golden| ≤ 1e-14,
            against ../../../../golden/periodic_640x640_500.npy or --golden PATH
  <boundary>/<dtype>  a 37 × 53 (non-square) random field, 40 steps, D = 0.9,
            dt = 0.05, dx = 0.5, for periodic, reflecting and fixed=0.25, against
            scipy.ndimage.laplace (modes wrap, nearest, constant) in float64:
            ≤ 1e-14 for float64, ≤ 1e-5 for float32 (which must stay float32)
The JSON report is checked too. The last line is "N passed, N failed, N skipped";
the exit status is 1 if anything failed.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS_DIR = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from peer import PEERS as PYTHON_PEERS  # noqa: E402

C_PEERS = ["c", "c-openmp"]
ALL_PEERS = list(PYTHON_PEERS) + C_PEERS
MODES = {"periodic": ("wrap", 0.0), "reflecting": ("nearest", 0.0), "fixed=0.25": ("constant", 0.25)}


def default_golden():
    # Resources/Peers/python -> the repository's shared/golden, when run from a checkout
    for up in range(2, 8):
        root = os.path.abspath(os.path.join(HERE, *[".."] * up))
        for candidate in (os.path.join(root, "shared", "golden"), os.path.join(root, "golden")):
            path = os.path.join(candidate, "periodic_640x640_500.npy")
            if os.path.exists(path):
                return path
    return None


def compile_c(workdir):
    """{"c": executable, "c-openmp": executable or None}, and why any is missing."""
    cc = shlex.split(os.environ.get("CC", "cc"))
    source = os.path.join(PEERS_DIR, "c", "diffusion.c")
    built, reasons = {}, {}
    for name, extra in (("c", []), ("c-openmp", ["-fopenmp"])):
        exe = os.path.join(workdir, name)
        for arch in (["-march=native"], []):
            command = cc + ["-O3"] + arch + extra + ["-o", exe, source, "-lm"]
            try:
                result = subprocess.run(command, capture_output=True, text=True)
            except FileNotFoundError:
                reasons[name] = f"no C compiler ({cc[0]})"
                break
            if result.returncode == 0:
                built[name] = exe
                break
            lines = result.stderr.strip().splitlines()
            reasons[name] = f"{' '.join(cc)} {' '.join(extra)} failed: {lines[-1] if lines else ''}"
    return built, reasons


def run_peer(peer, executables, initial, iterations, D, dt, dx, boundary, workdir):
    """(field, report); ("skip", reason) if a module does not import; RuntimeError if it fails."""
    source = os.path.join(workdir, f"in-{initial.dtype.str[1:]}-{initial.shape[0]}x{initial.shape[1]}.npy")
    np.save(source, initial)
    output = os.path.join(workdir, f"out-{peer}.npy")
    if os.path.exists(output):
        os.remove(output)
    common = ["--input", source, "--output", output, "--iterations", str(iterations),
              "--diffusivity", repr(D), "--dt", repr(dt), "--dx", repr(dx),
              "--boundary", boundary, "--budget", "0", "--min-runs", "1"]
    if peer in C_PEERS:
        command = [executables[peer]] + common
    else:
        command = [sys.executable, os.path.join(HERE, "peer.py"), "--peer", peer] + common
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode == 3:
        return "skip", result.stderr.strip().splitlines()[-1]
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise RuntimeError(f"exit {result.returncode}: {lines[-1] if lines else ''}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    problems = []
    if report.get("peer") != peer:
        problems.append(f"peer is {report.get('peer')!r}")
    times = report.get("times_s", [])
    if report.get("runs") != len(times) or not times:
        problems.append("runs does not match times_s")
    elif report.get("best_s") != min(times):
        problems.append("best_s is not min(times_s)")
    if not isinstance(report.get("threads"), int) or report["threads"] < 1:
        problems.append("threads missing")
    if not report.get("version"):
        problems.append("version missing")
    if problems:
        raise RuntimeError("bad JSON report: " + "; ".join(problems))
    return np.load(output), report


def reference(initial, iterations, D, dt, dx, boundary):
    mode, cval = MODES[boundary]
    u = initial.astype(np.float64)
    k = D * dt / (dx * dx)
    for _ in range(iterations):
        u = u + k * ndimage.laplace(u, mode=mode, cval=cval)
    return u


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peers", nargs="+", choices=ALL_PEERS, default=ALL_PEERS)
    parser.add_argument("--quick", action="store_true", help="skip the 640 × 640 golden run")
    parser.add_argument("--golden", default=default_golden(), help="periodic_640x640_500.npy")
    args = parser.parse_args()

    counts = {"passed": 0, "failed": 0, "skipped": 0}

    def record(peer, check, status, detail):
        counts[status] += 1
        print(f"{status.upper():7}  {peer:15} {check:22} {detail}", flush=True)

    with tempfile.TemporaryDirectory(prefix="diffuse-check-peers-") as workdir:
        executables, reasons = ({}, {})
        if any(p in C_PEERS for p in args.peers):
            executables, reasons = compile_c(workdir)

        cases = []
        if not args.quick:
            if args.golden and os.path.exists(args.golden):
                n = 640
                initial = np.zeros((n, n))
                lo, hi = int(0.4 * n), int(0.5 * n)
                initial[lo:hi, lo:hi] = 0.005
                cases.append(("golden", initial, 500, 1.0, 0.1, 1.0, "periodic",
                              np.load(args.golden), 1e-14))
            else:
                print("note: golden field not found (use --golden PATH); golden check left out")
        rng = np.random.default_rng(20261124)
        field = rng.random((37, 53))
        for boundary in MODES:
            expected = reference(field, 40, 0.9, 0.05, 0.5, boundary)
            for dtype, tolerance in ((np.float64, 1e-14), (np.float32, 1e-5)):
                cases.append((f"{boundary}/{np.dtype(dtype).name}", field.astype(dtype), 40,
                              0.9, 0.05, 0.5, boundary, expected, tolerance))

        for peer in args.peers:
            if peer in C_PEERS and peer not in executables:
                record(peer, "(all)", "skipped", reasons.get(peer, "not built"))
                continue
            for name, initial, iterations, D, dt, dx, boundary, expected, tolerance in cases:
                try:
                    outcome = run_peer(peer, executables, initial, iterations, D, dt, dx,
                                       boundary, workdir)
                except Exception as error:
                    record(peer, name, "failed", str(error))
                    continue
                if isinstance(outcome[0], str):  # ("skip", reason)
                    # A missing module skips every case; an unsupported
                    # boundary (devito: fixed only) skips just this one.
                    if "boundary" in outcome[1] or "fixed=V" in outcome[1]:
                        record(peer, name, "skipped", outcome[1])
                        continue
                    record(peer, "(all)", "skipped", outcome[1])
                    break
                result, report = outcome
                if result.dtype != initial.dtype or result.shape != initial.shape:
                    record(peer, name, "failed",
                           f"wrote {result.dtype} {result.shape}, expected {initial.dtype} {initial.shape}")
                    continue
                error = float(np.max(np.abs(result.astype(np.float64) - expected)))
                status = "passed" if error <= tolerance else "failed"
                record(peer, name, status,
                       f"max abs diff {error:.3g} (≤ {tolerance:g})  {report['best_s']:.4f} s")

    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
