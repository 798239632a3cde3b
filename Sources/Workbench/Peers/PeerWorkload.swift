// PeerWorkload.swift: what a peer is asked to compute, and what comes back.
//
// Plain values on purpose: the peers are other programs, and the bench
// engine translates its `Problem` into what their command lines take.

import DiffusionKit
import Foundation

/// One workload for a peer: u_t = D ∇²u on a `rows` × `cols` grid, explicit
/// Euler, 5-point Laplacian, `iterations` steps from the field in
/// `initialField`, timed under the common protocol (one warm-up run, then runs
/// until `budget` seconds are spent and at least `minRuns` are done).
public struct PeerWorkload: Sendable, Hashable {
    public var rows: Int
    public var cols: Int
    public var iterations: Int
    /// The boundary rule; the peers' command line gets its canonical
    /// spelling ("periodic", "reflecting" or "fixed=V").
    public var boundary: Boundary
    public var diffusivity: Double
    public var dt: Double
    public var dx: Double
    /// The element type of the grid; the peer computes in it.
    public var precision: Precision
    /// A .npy file (C order, `precision.numpyDescriptor`, shape rows × cols).
    public var initialField: URL
    /// Where the peer writes its final field, as `<peer name>.npy`; created if missing.
    public var outputDirectory: URL
    /// Seconds of timed runs to aim for after the warm-up.
    public var budget: Double
    public var minRuns: Int
    /// Threads for the multithreaded peers; nil lets each use all cores.
    public var threads: Int?

    public init(
        rows: Int,
        cols: Int,
        iterations: Int,
        boundary: Boundary,
        diffusivity: Double,
        dt: Double,
        dx: Double,
        precision: Precision,
        initialField: URL,
        outputDirectory: URL,
        budget: Double,
        minRuns: Int,
        threads: Int? = nil
    ) {
        self.rows = rows
        self.cols = cols
        self.iterations = iterations
        self.boundary = boundary
        self.diffusivity = diffusivity
        self.dt = dt
        self.dx = dx
        self.precision = precision
        self.initialField = initialField
        self.outputDirectory = outputDirectory
        self.budget = budget
        self.minRuns = minRuns
        self.threads = threads
    }

    /// Why this workload cannot be given to a peer, or nil.
    public var problem: String? {
        if rows < 3 || cols < 3 { return "the grid is \(rows) × \(cols); it must be at least 3 × 3" }
        if iterations < 0 { return "iterations must not be negative" }
        if !(dx > 0) || !dx.isFinite { return "dx must be positive" }
        if !diffusivity.isFinite || !dt.isFinite { return "D and dt must be finite" }
        if !(budget >= 0) || !budget.isFinite { return "the budget must be a non-negative number of seconds" }
        if minRuns < 1 { return "min runs must be at least 1" }
        if let threads, threads < 1 { return "threads must be at least 1" }
        if let value = boundary.fixedValue, !value.isFinite {
            return "boundary must be periodic, reflecting or fixed=V with V finite (got '\(boundary)')"
        }
        return nil
    }
}

/// What a peer measured.
public struct PeerMeasurement: Sendable, Hashable {
    /// The peer's name, as it reported it.
    public var peer: String
    /// Seconds of each timed run (the warm-up excluded), in run order.
    public var times: [Double]
    public var best: Double
    public var median: Double
    public var runs: Int
    /// Threads the peer used.
    public var threads: Int
    /// The library or compiler that ran it: "numpy 2.4.6", "gcc 12.2.0 -O3 -march=native".
    public var version: String
    /// The final field of the last run (.npy, the workload's precision and shape).
    public var output: URL

    public init(
        peer: String, times: [Double], best: Double, median: Double, runs: Int,
        threads: Int, version: String, output: URL
    ) {
        self.peer = peer
        self.times = times
        self.best = best
        self.median = median
        self.runs = runs
        self.threads = threads
        self.version = version
        self.output = output
    }
}

/// How running a peer ended.
public enum PeerOutcome: Sendable, Hashable, CustomStringConvertible {
    case ran(PeerMeasurement)
    /// The peer cannot run here (no Python, a module missing, no compiler,
    /// no OpenMP); `reason` says what to install, without a "skipped:" prefix.
    case skipped(reason: String)
    /// The peer ran and failed, or timed out, or reported nonsense.
    /// `stderr` is the last non-empty line the peer wrote to stderr, if any.
    case failed(reason: String, stderr: String?)

    public var measurement: PeerMeasurement? {
        if case .ran(let measurement) = self { return measurement }
        return nil
    }

    public var description: String {
        switch self {
        case .ran(let m):
            let best = String(format: "%.4g", m.best)
            return "ran: best \(best) s of \(m.runs) run\(m.runs == 1 ? "" : "s"), "
                + "\(m.threads) thread\(m.threads == 1 ? "" : "s"), \(m.version)"
        case .skipped(let reason):
            return "skipped: \(reason)"
        case .failed(let reason, let stderr):
            return stderr.map { "failed: \(reason) (\($0))" } ?? "failed: \(reason)"
        }
    }
}
