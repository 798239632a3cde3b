/// The pure-Python `evolve` of the seed's first two rungs, on a grid held as
/// an array of row arrays (`[[Scalar]]`, Python's list of lists).
///
/// Shared by `nested` (which hands it a new grid every step) and
/// `nested-scratch` (which hands it the same scratch grid every step).
/// `@_specialize` for the reason given in `ArrayOperations`.
enum NestedEvolve {
    /// Writes one explicit-Euler step of `u` into `next`:
    ///
    ///     next[i][j] = u[i][j] + r · ((((S + N) + E) + W) − 4·u[i][j])
    ///
    /// with S = u[i+1][j], N = u[i−1][j], E = u[i][j+1], W = u[i][j−1]: the
    /// reference's order, so the result is bit-identical to it.
    ///
    /// Every access is an ordinary checked subscript, twice (the row, then the
    /// cell), and every neighbour goes through the boundary rule, as in Python:
    /// under `periodic` the shifted index is taken modulo the side on every
    /// access, `grid[(i+1) % rows][j]`, also for the cells that need no
    /// wrapping; under every other rule both indices are range-checked and an
    /// index beyond the edge goes through the rule (`Boundary.neighbour`: the
    /// edge cell under `reflecting`, V under `fixed(V)`).
    ///
    /// - Precondition: `next` has the shape of `u`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func evolve<Scalar: DiffusionScalar>(_ u: [[Scalar]], into next: inout [[Scalar]], r: Scalar, boundary: Boundary) {
        let rows = u.count, cols = u[0].count
        precondition(next.count == rows && next.allSatisfy { $0.count == cols }, "grids of different shapes")
        if boundary == .periodic {
            // Swift's % keeps the sign of the dividend, so i − 1 is taken
            // modulo as (i − 1 + rows) % rows, Python's (i − 1) % rows.
            for i in 0 ..< rows {
                for j in 0 ..< cols {
                    let laplacian = u[(i + 1) % rows][j] + u[(i - 1 + rows) % rows][j]
                        + u[i][(j + 1) % cols] + u[i][(j - 1 + cols) % cols]
                        - 4 * u[i][j]
                    next[i][j] = u[i][j] + r * laplacian
                }
            }
        } else {
            let ghost = Scalar(boundary.fixedValue ?? 0)
            /// The value at (i, j), which may lie one cell outside the grid.
            func at(_ i: Int, _ j: Int) -> Scalar {
                guard case .cell(let row) = boundary.neighbour(at: i, count: rows),
                      case .cell(let column) = boundary.neighbour(at: j, count: cols) else { return ghost }
                return u[row][column]
            }
            for i in 0 ..< rows {
                for j in 0 ..< cols {
                    let laplacian = at(i + 1, j) + at(i - 1, j) + at(i, j + 1) + at(i, j - 1) - 4 * u[i][j]
                    next[i][j] = u[i][j] + r * laplacian
                }
            }
        }
    }

    /// A rows × cols grid of zeros, each row its own array: the seed's
    /// `[[0.0] * cols for _ in range(rows)]`, rows + 1 allocations.
    ///
    /// (`Array(repeating: row, count: rows)` would share one row buffer and
    /// defer the allocations to the first write of each row, hiding them in
    /// the compute phase — and Python's `[[0.0] * cols] * rows` really does
    /// share the row, the seed's own aliasing slip.)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func zeros<Scalar: DiffusionScalar>(rows: Int, cols: Int) -> [[Scalar]] {
        (0 ..< rows).map { _ in [Scalar](repeating: 0, count: cols) }
    }
}
