// The generic functions here loop over every cell and are called from other
// modules, where an unspecialised generic costs tens of nanoseconds a cell;
// `@_specialize` compiles Double and Float entry points into DiffusionKit.

/// The facts about a field that a run reports: mass, extremes, finiteness.
public struct FieldSummary: Sendable, Equatable, Codable {
    /// Σ u[i,j] · dx²: the integral of the field, which periodic and
    /// reflecting boundaries conserve. Summed in binary64 with Neumaier's
    /// compensation, so the sum's own rounding error (about one unit round-off
    /// of the result, independent of the cell count) is far below the drift
    /// it measures.
    public var mass: Double
    /// The smallest value: −∞ when the field holds −∞; otherwise the least
    /// finite value (NaN cells have no order and are only counted).
    public var minimum: Double
    /// The largest value: +∞ when the field holds +∞; otherwise the greatest finite value.
    public var maximum: Double
    /// Cells that are NaN or ±∞. When there are any, `mass` is not finite
    /// either (NaN, or ±∞ when all are infinities of one sign): a summary
    /// never reports a finite mass for a field that has none.
    public var nonFiniteCount: Int

    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, dx: Double = 1) {
        var sum = 0.0, compensation = 0.0
        var low = Double.infinity, high = -Double.infinity
        var nonFinite = 0
        var (hasNaN, hasPositiveInfinity, hasNegativeInfinity) = (false, false, false)
        grid.withUnsafeBufferPointer { cells in
            for cell in cells {
                let value = Double(cell)
                guard value.isFinite else {
                    nonFinite += 1
                    if value.isNaN { hasNaN = true } else if value > 0 { hasPositiveInfinity = true } else { hasNegativeInfinity = true }
                    continue
                }
                // Neumaier: keep the low-order bits lost by each addition.
                let total = sum + value
                compensation += abs(sum) >= abs(value) ? (sum - total) + value : (value - total) + sum
                sum = total
                low = min(low, value)
                high = max(high, value)
            }
        }
        if hasNaN || (hasPositiveInfinity && hasNegativeInfinity) {
            mass = .nan
        } else if hasPositiveInfinity {
            mass = .infinity
        } else if hasNegativeInfinity {
            mass = -.infinity
        } else {
            mass = (sum + compensation) * dx * dx
        }
        minimum = hasNegativeInfinity ? -.infinity : low
        maximum = hasPositiveInfinity ? .infinity : high
        nonFiniteCount = nonFinite
    }

    /// The first non-finite cell, row-major, or nil when every cell is finite.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func firstNonFinite<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>) -> (row: Int, col: Int, count: Int)? {
        grid.withUnsafeBufferPointer { cells in
            var first: Int?
            var count = 0
            for index in cells.indices where !cells[index].isFinite {
                if first == nil { first = index }
                count += 1
            }
            return first.map { ($0 / grid.cols, $0 % grid.cols, count) }
        }
    }

    /// (mass − initial) / |initial|, or the absolute change when the initial mass is 0.
    public func relativeDrift(from initial: FieldSummary) -> Double {
        let change = mass - initial.mass
        return initial.mass == 0 ? change : change / abs(initial.mass)
    }
}

/// Comparing two fields cell by cell.
public enum FieldComparison {
    /// max |a − b| over all cells, computed in binary64; +∞ if the shapes
    /// differ or either field has a non-finite cell where the other differs.
    @_specialize(where A == Double, B == Double)
    @_specialize(where A == Float, B == Float)
    public static func maxAbsDifference<A: DiffusionScalar, B: DiffusionScalar>(_ a: Grid<A>, _ b: Grid<B>) -> Double {
        guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                var worst = 0.0
                for index in 0 ..< x.count {
                    let (p, q) = (Double(x[index]), Double(y[index]))
                    if p == q { continue }  // also equal infinities
                    let difference = abs(p - q)
                    if !(difference <= worst) { worst = difference.isNaN ? .infinity : difference }
                }
                return worst
            }
        }
    }

    /// True when every cell of `grid` is finite.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func isFinite<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>) -> Bool {
        grid.withUnsafeBufferPointer { cells in
            // A plain loop: `allSatisfy(\.isFinite)` goes through a key path per
            // cell and costs as much as several steps of a fast schedule.
            for cell in cells where !cell.isFinite { return false }
            return true
        }
    }
}
