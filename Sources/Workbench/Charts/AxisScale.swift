import Foundation

/// A map from data values to positions along one axis, and the values to mark on it.
///
/// Linear: position = from + (v − lo) / (hi − lo) · (to − from).
/// Log (base 10): the same in log10 v, for positive domains only; a value
/// ≤ 0 maps to the start of the axis. `from` may exceed `to` (a y axis, whose
/// pixels grow downwards).
public struct AxisScale: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case linear, log }

    public let kind: Kind
    public let lower: Double
    public let upper: Double
    public let from: Double
    public let to: Double

    /// A scale over exactly `lower … upper` (for log, both positive).
    public init(kind: Kind, lower: Double, upper: Double, from: Double, to: Double) {
        precondition(kind == .linear || lower > 0, "a log scale needs a positive domain")
        self.kind = kind
        self.lower = lower
        self.upper = upper > lower ? upper : lower + (kind == .log ? lower : 1)
        self.from = from
        self.to = to
    }

    /// A linear scale over "nice" bounds (multiples of a 1-2-5 step) covering
    /// `values`, and 0 when `includingZero`.
    public static func linear(covering values: [Double], from: Double, to: Double, includingZero: Bool = false) -> AxisScale {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if includingZero { (low, high) = (min(low, 0), max(high, 0)) }
        if high == low { (low, high) = low == 0 ? (0, 1) : (low - abs(low) / 2, high + abs(high) / 2) }
        let step = niceStep((high - low) / 5)
        return AxisScale(kind: .linear, lower: (low / step).rounded(.down) * step, upper: (high / step).rounded(.up) * step,
                         from: from, to: to)
    }

    /// A log scale whose bounds are the nearest 1, 1.5, 2, 3, 5 or 7.5 × 10ᵏ
    /// around the positive `values` (1 … 10 when there are none): round
    /// numbers that waste at most a third of a decade at either end.
    public static func log(covering values: [Double], from: Double, to: Double) -> AxisScale {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max() else {
            return AxisScale(kind: .log, lower: 1, upper: 10, from: from, to: to)
        }
        return AxisScale(kind: .log, lower: niceLogBound(low, up: false), upper: niceLogBound(high, up: true), from: from, to: to)
    }

    /// The position of `value` along the axis.
    public func position(_ value: Double) -> Double {
        let fraction: Double
        switch kind {
        case .linear: fraction = (value - lower) / (upper - lower)
        case .log: fraction = value > 0 ? (log10(value) - log10(lower)) / (log10(upper) - log10(lower)) : 0
        }
        return from + fraction * (to - from)
    }

    /// The values to mark, in increasing order, all within the domain.
    ///
    /// Linear: multiples of a 1-2-5 step, about five of them. Log: every
    /// power of ten when the domain spans three decades or more (every
    /// second or third when it spans over eight), else 1, 2 and 5 × 10ᵏ.
    public var ticks: [Double] {
        let tolerance = 1e-9
        switch kind {
        case .linear:
            let step = Self.niceStep((upper - lower) / 5)
            var result: [Double] = []
            var k = (lower / step - tolerance).rounded(.up)
            while k * step <= upper + step * tolerance {
                let value = k * step
                result.append(abs(value) < step * tolerance ? 0 : value)
                k += 1
            }
            return result
        case .log:
            let first = Int(Foundation.log10(lower).rounded(.down)), last = Int(Foundation.log10(upper).rounded(.up))
            let decades = Foundation.log10(upper) - Foundation.log10(lower)
            let multipliers: [Double] = decades >= 3 - tolerance ? [1] : [1, 2, 5]
            let stride = decades > 8 ? Int((decades / 6).rounded(.up)) : 1
            var result: [Double] = []
            for exponent in first ... last where (exponent - first) % stride == 0 {
                for multiplier in multipliers {
                    let value = multiplier * pow(10, Double(exponent))
                    if value >= lower * (1 - tolerance) && value <= upper * (1 + tolerance) { result.append(value) }
                }
            }
            return result
        }
    }

    /// The 1, 2 or 5 × 10ᵏ nearest above `raw` (raw > 0).
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, Foundation.log10(raw).rounded(.down))
        for multiplier in [1.0, 2, 5, 10] where multiplier * magnitude >= raw * (1 - 1e-12) {
            return multiplier * magnitude
        }
        return 10 * magnitude
    }

    /// The nearest 1, 1.5, 2, 3, 5 or 7.5 × 10ᵏ at or below (`up` false) or above `value` (> 0).
    static func niceLogBound(_ value: Double, up: Bool) -> Double {
        let magnitude = pow(10, Foundation.log10(value).rounded(.down))
        let candidates = [1.0, 1.5, 2, 3, 5, 7.5, 10].map { $0 * magnitude }
        if up { return candidates.first { $0 >= value * (1 - 1e-12) } ?? 10 * magnitude }
        return candidates.last { $0 <= value * (1 + 1e-12) } ?? magnitude
    }
}
