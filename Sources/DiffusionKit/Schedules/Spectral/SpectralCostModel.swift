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
/// The constants were measured on the 2-core Zen 4 of the README (release
/// build, both cores, seed workload and 64²…2048² grids); they are per core
/// alike, so the thread count cancels out. `updateSeconds` is the fast
/// schedules' in-cache rate, the best stepping does: the model errs towards
/// stepping, which is bit-identical to the reference, and takes spectral
/// only where it wins clearly. Spectral is chosen only when FFTW is loaded
/// for the problem's precision.
public struct SpectralCostModel: Sendable {
    /// Seconds per cell update of the fastest stepping schedule.
    public static let updateSeconds = 1.0e-10
    /// Seconds per point and per log₂N of one FFTW transform.
    public static let transformSeconds = 1.5e-10
    /// Seconds per cell for λⁿ (an exp and a log1p) and the scaling.
    public static let powerSeconds = 4.0e-9
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
        spectralSeconds = Self.overheadSeconds + 2 * cells * log2(max(cells, 2)) * Self.transformSeconds + cells * Self.powerSeconds
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

    /// Seconds with three significant digits and a unit.
    static func format(_ seconds: Double) -> String {
        let (value, unit): (Double, String) =
            seconds >= 1 ? (seconds, "s") : seconds >= 1e-3 ? (seconds * 1e3, "ms") : (seconds * 1e6, "µs")
        let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
        return formatFixed(value, digits: digits) + " " + unit
    }
}
