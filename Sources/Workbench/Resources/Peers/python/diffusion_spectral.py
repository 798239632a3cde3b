"""numpy-spectral: the idea of Diffuse's `spectral` schedule in NumPy and SciPy.

The explicit step is linear and constant in time, u -> A u, and A is diagonal
in the basis of a fast transform S, so n steps are u_n = S^-1(lambda^n * S u_0):
two transforms for any n. Per axis of N cells, with r = D*dt (D in grid units):

  periodic     numpy.fft.rfft2 / irfft2        mu(k) = sin^2(pi k / N)
  reflecting   scipy.fft.dctn / idctn, type 2  mu(k) = sin^2(pi k / (2N))
  fixed=V      w = u - V, scipy.fft.dstn / idstn, type 1, then + V
                                               mu(k) = sin^2(pi (k+1) / (2(N+1)))

lambda(k, l) = 1 - 4r(mu_rows(k) + mu_cols(l)); lambda^n is exp(n log1p(-d))
for d = 1 - lambda < 1 (accurate near 1), and (-1)^n (d-1)^n beyond. The
transforms run in float64; a float32 field is rounded back at the end.
"""
import os

import numpy as np
import scipy
import scipy.fft


def axis_terms(kind, n, count):
    k = np.arange(count, dtype=np.float64)
    if kind == "periodic":
        theta = np.pi * k / n
    elif kind == "reflecting":
        theta = np.pi * k / (2 * n)
    else:
        theta = np.pi * (k + 1) / (2 * (n + 1))
    return np.sin(theta) ** 2


def power(decay, steps):
    """(1 - decay)**steps, accurately for 1 - decay near 1 and with the sign of a negative base."""
    if steps == 0:
        return np.ones_like(decay)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        below = np.exp(steps * np.log1p(-np.minimum(decay, 1.0)))
        above = np.exp(steps * np.log(np.maximum(decay - 1.0, 0.0)))
    if steps % 2:
        above = -above
    return np.where(decay < 1, below, np.where(decay == 1, 0.0, above))


def multipliers(kind, rows, cols, r, steps):
    spectrum_cols = cols // 2 + 1 if kind == "periodic" else cols
    decay = 4 * r * (axis_terms(kind, rows, rows)[:, None] + axis_terms(kind, cols, spectrum_cols)[None, :])
    return power(decay, steps)


def evolve(grid, num_iterations, dt, D, boundary, workers=1):
    """The field after num_iterations steps, in float64."""
    rows, cols = grid.shape
    r = float(grid.dtype.type(D * dt))  # rounded to the grid's precision, as the step rounds it
    factor = multipliers(boundary.kind, rows, cols, r, num_iterations)
    u = grid.astype(np.float64)
    if boundary.kind == "periodic":
        return np.fft.irfft2(np.fft.rfft2(u) * factor, s=(rows, cols))
    if boundary.kind == "reflecting":
        spectrum = scipy.fft.dctn(u, type=2, workers=workers)
        return scipy.fft.idctn(spectrum * factor, type=2, workers=workers)
    spectrum = scipy.fft.dstn(u - boundary.value, type=1, workers=workers)
    return scipy.fft.idstn(spectrum * factor, type=1, workers=workers) + boundary.value


def run_experiment(grid, scratch, num_iterations, dt, D, boundary, threads=1):
    if num_iterations == 0:
        return grid
    np.copyto(scratch, evolve(grid, num_iterations, dt, D, boundary, threads), casting="same_kind")
    return scratch


def threads(requested):
    """scipy.fft's workers (numpy.fft has one thread): all cores by default."""
    return requested or os.cpu_count() or 1


def version():
    return f"scipy {scipy.__version__}, numpy {np.__version__}"
