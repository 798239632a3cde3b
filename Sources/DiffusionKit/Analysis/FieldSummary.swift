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
    public var minimum: Double
    public var maximum: Double
    /// Cells that are NaN or ±∞.
    public var nonFiniteCount: Int

    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, dx: Double = 1) {
        var sum = 0.0, compensation = 0.0
        var low = Double.infinity, high = -Double.infinity
        var nonFinite = 0
        grid.withUnsafeBufferPointer { cells in
            for cell in cells {
                let value = Double(cell)
                guard value.isFinite else {
                    nonFinite += 1
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
        mass = (sum + compensation) * dx * dx
        minimum = low
        maximum = high
        nonFiniteCount = nonFinite
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
