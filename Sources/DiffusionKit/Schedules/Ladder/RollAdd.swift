/// The seed's `roll_add` (diffusion_numpy_memory2.py): `out += np.roll(g, shift, axis)`
/// without the rolled copy, as two slice additions straight from `g` into `out` —
/// the block that moves and the edge that wraps.
///
/// Used by `roll-add` and `roll-add-blocked`. Nothing here allocates.
/// `@_specialize` for the reason given in `ArrayOperations`.
enum RollAdd {
    /// `out += np.roll(g, shift, axis)` for a shift of one cell, with the edge
    /// that wraps receiving what `boundary` puts beyond it.
    ///
    /// | shift, axis | first slice add             | second: the edge           | adds to each cell |
    /// |-------------|-----------------------------|----------------------------|-------------------|
    /// | +1, 0       | `out[1:, :] += g[:-1, :]`   | `out[0, :] += beyond`      | north (N)         |
    /// | −1, 0       | `out[:-1, :] += g[1:, :]`   | `out[-1, :] += beyond`     | south (S)         |
    /// | +1, 1       | `out[:, 1:] += g[:, :-1]`   | `out[:, 0] += beyond`      | west (W)          |
    /// | −1, 1       | `out[:, :-1] += g[:, 1:]`   | `out[:, -1] += beyond`     | east (E)          |
    ///
    /// `beyond` is the opposite edge of `g` (`periodic`, the seed's), the edge
    /// itself (`reflecting`) or V (`fixed(V)`, rounded to `Scalar`). The two
    /// adds touch disjoint cells, so their order does not matter; the second
    /// is a separate pass, and along axis 1 a strided one (a cell per row).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func add<Scalar: DiffusionScalar>(
        _ g: UnsafeBufferPointer<Scalar>, rows: Int, cols: Int, shift: Int, axis: Int,
        boundary: Boundary, into out: UnsafeMutableBufferPointer<Scalar>
    ) {
        precondition(g.count == rows * cols && out.count == rows * cols, "arrays of different sizes")
        precondition(shift == 1 || shift == -1, "a roll by one cell")
        precondition(axis == 0 || axis == 1, "a two-dimensional array")
        let x = g.baseAddress!, z = out.baseAddress!
        let count = rows * cols
        let ghost = Scalar(boundary.fixedValue ?? 0)
        // The slices are pointer offsets, so each slice add is the plain
        // `a[k] += b[k]` loop NumPy runs (and the compiler vectorises);
        // indexing with `k ± cols` would add an overflow check per cell.
        switch (shift, axis) {
        case (1, 0):
            let outBelowFirst = z + cols  // out[1:, :]
            for k in 0 ..< count - cols { outBelowFirst[k] += x[k] }
            addRow(to: z, beyond: -1, from: x, rows: rows, cols: cols, boundary, ghost: ghost)
        case (-1, 0):
            let gBelowFirst = x + cols  // g[1:, :]
            for k in 0 ..< count - cols { z[k] += gBelowFirst[k] }
            addRow(to: z + (count - cols), beyond: rows, from: x, rows: rows, cols: cols, boundary, ghost: ghost)
        case (1, 1):
            for i in 0 ..< rows {
                let zi = z + i * cols, xi = x + i * cols
                for j in 1 ..< cols { zi[j] += xi[j - 1] }
            }
            addColumn(to: z, rows: rows, cols: cols, at: 0, beyond: -1, from: x, boundary, ghost: ghost)
        default:
            for i in 0 ..< rows {
                let zi = z + i * cols, xi = x + i * cols
                for j in 0 ..< cols - 1 { zi[j] += xi[j + 1] }
            }
            addColumn(to: z, rows: rows, cols: cols, at: cols - 1, beyond: cols, from: x, boundary, ghost: ghost)
        }
    }

    /// The seed's `laplacian(grid, out)` of the memory2 rung:
    ///
    ///     np.copyto(out, g); out *= -4
    ///     roll_add(g, +1, 0, out); roll_add(g, -1, 0, out)
    ///     roll_add(g, +1, 1, out); roll_add(g, -1, 1, out)
    ///
    /// so each cell ends up as ((((−4·u + N) + S) + W) + E). Six passes over
    /// the grid (plus the four edge passes), none allocating. Reports the
    /// phases "copy", "scale −4", "roll-add rows" (twice) and "roll-add cols"
    /// (twice).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func laplacian<Scalar: DiffusionScalar>(
        _ g: UnsafeBufferPointer<Scalar>, rows: Int, cols: Int, boundary: Boundary,
        into out: UnsafeMutableBufferPointer<Scalar>, context: ExecutionContext
    ) {
        context.phase("copy") { ArrayOperations.copy(g, into: out) }
        context.phase("scale −4") { ArrayOperations.multiply(out, by: -4) }
        context.phase("roll-add rows") { add(g, rows: rows, cols: cols, shift: 1, axis: 0, boundary: boundary, into: out) }
        context.phase("roll-add rows") { add(g, rows: rows, cols: cols, shift: -1, axis: 0, boundary: boundary, into: out) }
        context.phase("roll-add cols") { add(g, rows: rows, cols: cols, shift: 1, axis: 1, boundary: boundary, into: out) }
        context.phase("roll-add cols") { add(g, rows: rows, cols: cols, shift: -1, axis: 1, boundary: boundary, into: out) }
    }

    /// `z[0 ..< cols] += ` the row at index `beyond` (−1 or rows) of `x`, as
    /// the boundary rule puts it there (`Boundary.neighbour(at:count:)`).
    @inline(__always)
    private static func addRow<Scalar: DiffusionScalar>(
        to z: UnsafeMutablePointer<Scalar>, beyond index: Int, from x: UnsafePointer<Scalar>, rows: Int, cols: Int,
        _ boundary: Boundary, ghost: Scalar
    ) {
        switch boundary.neighbour(at: index, count: rows) {
        case .cell(let row):
            let source = x + row * cols
            for j in 0 ..< cols { z[j] += source[j] }
        case .fixedValue: for j in 0 ..< cols { z[j] += ghost }
        }
    }

    /// `z[:, column] += ` the column at index `beyond` (−1 or cols) of `x`, by
    /// the boundary rule.
    @inline(__always)
    private static func addColumn<Scalar: DiffusionScalar>(
        to z: UnsafeMutablePointer<Scalar>, rows: Int, cols: Int, at column: Int, beyond index: Int,
        from x: UnsafePointer<Scalar>, _ boundary: Boundary, ghost: Scalar
    ) {
        switch boundary.neighbour(at: index, count: cols) {
        case .cell(let source): for i in 0 ..< rows { z[i * cols + column] += x[i * cols + source] }
        case .fixedValue: for i in 0 ..< rows { z[i * cols + column] += ghost }
        }
    }
}
