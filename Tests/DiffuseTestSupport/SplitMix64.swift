// SplitMix64.swift: seeded random numbers for test fields.

/// Steele, Lea and Flood's SplitMix64 (2014): a 64-bit state advanced by the
/// golden-ratio increment 0x9E3779B97F4A7C15 and scrambled by two
/// xor-shift-multiply rounds. Small and seeded, so a test's field is the same
/// on every platform and run (the system generator is neither).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next value in [0, 1): the top 53 bits over 2⁵³, so every value is
    /// a multiple of 2⁻⁵³ and exactly representable as a Double.
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// `count` values in [0, 1) from `seed` (see ``nextUnitInterval()``): a
    /// row-major test field.
    public static func unitIntervalValues(count: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0 ..< count).map { _ in generator.nextUnitInterval() }
    }
}
