#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `auto`'s choice between stepping and `spectral`: n steps cost n·N cell
/// updates, the spectral jump two transforms of N cells and one pass that
/// computes λⁿ per cell, whatever n is.
///
///     stepping ≈ n · N · updateSeconds
///     spectral ≈ overheadSeconds + 2 · N · log₂N · transformSeconds + N · powerSeconds
///
/// The constants come from release builds on the 2-core Zen 4 of the README
/// (both cores, machine shared): `temporal` steps 640² at 1.07e-10 s per
/// update (22.0 ms for 500 steps), and `spectral` jumps 640² in 2.95 ms
/// (model: 4.0 ms), 2048² in 115 ms (model: 45 ms), 4096² in 0.7–1.3 s
/// (model: 0.19 s). Beyond L3 both sides are memory-bound and the model
/// underestimates both alike (temporal runs 4096² at 3.8e-10 s per update),
/// so the crossover it predicts, about 100 steps from 640² to 4096², is
/// within 1.5× of the measured one (67 steps at 640², 77 at 2048², 107 at
/// 4096²) and errs towards stepping, which is bit-identical to the
/// reference. Threads speed up both sides about alike, so they cancel out.
///
/// FFTW is fastest on lengths whose prime factors are all small: a DST-I of
/// 4096 points (a DFT of 2·4097 = 2·17·241) took 1.85 s per 4096² transform
/// against 0.61 s for the DCT-II of the same grid. An axis whose transform
/// length has a prime factor above 7 costs `awkwardLengthFactor` times more.
///
/// Spectral is chosen only when FFTW is loaded for the problem's precision.
public struct SpectralCostModel: Sendable {
    /// Seconds per cell update of the fastest stepping schedule.
    public static let updateSeconds = 1.0e-10
    /// Seconds per point and per log₂N of one FFTW transform.
    public static let transformSeconds = 1.5e-10
    /// Seconds per cell for λⁿ (an exp and a log1p) and the scaling.
    public static let powerSeconds = 4.0e-9
    /// The extra cost of an axis whose transform length has a prime factor above 7.
    public static let awkwardLengthFactor = 3.0
    /// Seconds per spectral run beyond the per-cell work: plan look-up, locks,
    /// thread start-up.
    public static let overheadSeconds = 50e-6

    /// The estimated seconds of `steps` steps by stepping.
    public let steppingSeconds: Double
    /// The estimated seconds of the spectral jump.
    public let spectralSeconds: Double
    /// Why `spectral` cannot run the problem (FFTW missing), or nil.
    public let unavailability: String?

    public init(problem: Problem, steps: Int, spectral: SpectralSchedule = SpectralSchedule()) {
        let cells = Double(problem.cellCount)
        steppingSeconds = Double(steps) * cells * Self.updateSeconds
        // The transform's length per axis: N, or N + 1 for DST-I (fixed).
        let extra = problem.boundary.fixedValue == nil ? 0 : 1
        let awkward = [problem.rows + extra, problem.cols + extra].contains { Self.largestPrimeFactor($0) > 7 }
        let transforms = 2 * cells * log2(max(cells, 2)) * Self.transformSeconds * (awkward ? Self.awkwardLengthFactor : 1)
        spectralSeconds = Self.overheadSeconds + transforms + cells * Self.powerSeconds
        unavailability = spectral.limitation(for: problem)
    }

    /// True when `spectral` can run and its jump is estimated cheaper than the steps.
    public var prefersSpectral: Bool {
        unavailability == nil && spectralSeconds < steppingSeconds
    }

    /// One line: what was chosen over what, with the estimates; `stepper` is
    /// the stepping schedule the alternative would be.
    public func reason(steps: Int, stepper: String) -> String {
        let jump = "two transforms ≈ \(Self.format(spectralSeconds))"
        let stepping = "\(steps) steps of \(stepper) ≈ \(Self.format(steppingSeconds))"
        if let unavailability { return "\(stepper): spectral is unavailable (\(unavailability))" }
        return prefersSpectral
            ? "spectral: \(jump) against \(stepping) (cost model)"
            : "\(stepper): \(stepping) against spectral's \(jump) (cost model)"
    }

    /// The largest prime factor of `n` (n itself for a prime, 1 for 1).
    static func largestPrimeFactor(_ n: Int) -> Int {
        var n = max(n, 1), largest = 1, factor = 2
        while factor * factor <= n {
            while n % factor == 0 { largest = factor; n /= factor }
            factor += 1
        }
        return max(largest, n)
    }

    /// Seconds with three significant digits and a unit.
    static func format(_ seconds: Double) -> String {
        let (value, unit): (Double, String) =
            seconds >= 1 ? (seconds, "s") : seconds >= 1e-3 ? (seconds * 1e3, "ms") : (seconds * 1e6, "µs")
        let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
        return formatFixed(value, digits: digits) + " " + unit
    }
}
