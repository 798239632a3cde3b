import DiffusionKit
import PerfKit

/// The roof over one measured rate: each ceiling of `MachineRoofs` divided by
/// what one update needs of it (`StencilTraffic`), the lowest of them (the
/// bound), and the share of it the rate reached.
///
/// - compute: (peak add rate + peak FMA rate ÷ 2) lane instructions per
///   second ÷ 6 instructions per update. Adding the two peaks is the most
///   generous reading (it assumes adds and FMAs run on separate pipes, as
///   on Zen; where they share pipes, as on Intel, the true roof is lower),
///   so the roof is never too low.
/// - each level: its best bandwidth (load, copy or triad, whichever is
///   highest) ÷ the bytes per update that level moves.
///
/// A run on several threads takes the all-core figures (scaled down when it
/// uses fewer threads than were measured), or one core's where that is
/// higher; a run on one thread, one core's.
///
/// A roof is an upper bound by construction: the traffic is a lower bound
/// and the bandwidths and peaks the most generous measured. So a fraction
/// above 1 means the model or a measurement is wrong, and it is reported as
/// such (`aboveRoof`), not hidden or clipped.
public struct StencilRoof: Sendable, Codable, Equatable {
    /// A roof that can bound a rate: the cores' arithmetic or one level of
    /// the memory hierarchy (encoded as "compute", "L1", "L2", "L3", "memory",
    /// the names of `MachineRoofs.Level`).
    public enum Bound: String, Sendable, Codable, CaseIterable {
        case compute
        case l1 = "L1"
        case l2 = "L2"
        case l3 = "L3"
        case memory
    }

    /// The lowest roof.
    public var bound: Bound
    /// The roof: the most updates per second the bound allows.
    public var updatesPerSecond: Double
    /// Attained ÷ roof.
    public var fraction: Double
    /// Every ceiling's allowed rate, by name.
    public var ceilings: [String: Double]
    /// Flops and bytes per update at each level.
    public var traffic: StencilTraffic
    /// True when the rate exceeds its roof: the model is wrong.
    public var aboveRoof: Bool

    enum CodingKeys: String, CodingKey {
        case bound, updatesPerSecond = "updates_per_s", fraction, ceilings, traffic, aboveRoof = "above_roof"
    }

    /// The roof for `traffic` on `threads` threads in `precision`, and
    /// `attained` (updates per second) against it; nil when the roofs lack
    /// what is needed.
    public init?(roofs: MachineRoofs, traffic: StencilTraffic, precision: Precision, threads: Int, attained: Double) {
        let flopsPrecision: PeakFlops.Precision = precision == .double ? .double : .float
        // Each ceiling from the figures of the thread count that gives the
        // most: the all-core figure (scaled to the threads used), and for a
        // multithreaded run never less than one core's — a second thread
        // cannot make the machine slower than one, and a busy machine can
        // make an all-core measurement come out below a one-core one.
        let (measured, factor) = roofs.scale(for: threads)
        let options: [(threads: Int, factor: Double)] = measured == 1 ? [(1, factor)] : [(measured, factor), (1, 1)]
        var ceilings: [String: Double] = [:]
        for option in options {
            func raise(_ name: String, _ value: Double) { ceilings[name] = max(ceilings[name] ?? 0, value) }
            if let add = roofs.peak(flopsPrecision, .add, threads: option.threads),
               let fma = roofs.peak(flopsPrecision, .fma, threads: option.threads) {
                let instructions = traffic.singleFlopInstructions + traffic.fmaInstructions
                raise("compute", (add + fma / 2) * option.factor / instructions)
            }
            for level in roofs.levels {
                guard let moved = traffic.bytes[level.name], moved > 0,
                      let bandwidth = level.bestBytesPerSecond(threads: option.threads) else { continue }
                raise(level.name, bandwidth * option.factor / moved)
            }
        }
        guard let lowest = ceilings.min(by: { $0.value < $1.value }), lowest.value > 0 else { return nil }
        guard let lowestBound = Bound(rawValue: lowest.key) else { return nil }
        bound = lowestBound
        updatesPerSecond = lowest.value
        fraction = attained / lowest.value
        self.ceilings = ceilings
        self.traffic = traffic
        aboveRoof = fraction > 1
    }
}
