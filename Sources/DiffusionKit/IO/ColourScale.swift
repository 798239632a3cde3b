/// The values a heat map's colours stand for: `low` is the first viridis
/// colour (dark purple), `high` the last (yellow), linearly in between;
/// values outside are clamped, NaN and ±∞ take the end their sign points to.
public struct ColourScale: Sendable, Equatable, Codable {
    public var low: Double
    public var high: Double

    /// A scale from `low` to `high`; an empty or reversed range (a constant
    /// field) is widened to `low … low + 1`, so every value maps to purple.
    public init(low: Double, high: Double) {
        self.low = low
        self.high = high > low ? high : low + 1
    }

    /// The smallest and largest finite values of `grid`, and of `extra`
    /// (e.g. a fixed boundary's V): the scale one frame fills.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init<Scalar: DiffusionScalar>(spanning grid: Grid<Scalar>, including extra: [Double] = []) {
        var (low, high) = (Double.infinity, -Double.infinity)
        grid.withUnsafeBufferPointer { cells in
            for value in cells where value.isFinite {
                low = min(low, Double(value))
                high = max(high, Double(value))
            }
        }
        for value in extra where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        if !low.isFinite { (low, high) = (0, 1) }
        self.init(low: low, high: high)
    }

    /// The range every later field of a stable run stays in: the initial
    /// field's, widened by a fixed boundary's value.
    ///
    /// With r = D·dt/dx² ≤ 1/4 the explicit step writes each cell as a convex
    /// combination (weights 1 − 4r ≥ 0 and r) of itself, its neighbours and the
    /// boundary values, so no cell leaves [min, max] of the previous step and
    /// the boundary (the discrete maximum principle). An unstable run leaves
    /// it; its values are clamped to the ends.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init<Scalar: DiffusionScalar>(forRunFrom initial: Grid<Scalar>, boundary: Boundary) {
        if case .fixed(let value) = boundary {
            self.init(spanning: initial, including: [value])
        } else {
            self.init(spanning: initial)
        }
    }

    /// The viridis index (0 … 255) of `value`.
    @inline(__always)
    func index(of value: Double) -> Int {
        // Halved, so that the span of a field reaching ±1.8e308 does not
        // overflow to infinity (halving is exact for every normal double).
        let fraction = value.isFinite ? (value / 2 - low / 2) / (high / 2 - low / 2) : (value > 0 ? 1 : 0)
        let scaled = (fraction * 255).rounded()
        return scaled.isNaN ? 0 : Int(min(max(scaled, 0), 255))
    }

    /// The sRGB colour of `value`.
    public func colour(of value: Double) -> (red: UInt8, green: UInt8, blue: UInt8) {
        Viridis.table[index(of: value)]
    }

    /// The 256 colours of the map, from `low` to `high`.
    public static var viridis: [(red: UInt8, green: UInt8, blue: UInt8)] { Viridis.table }
}
