/// NumPy's whole-array inner loops, on row-major buffers: what one ufunc call
/// (`a + b`, `out *= s`, `np.copyto`, `np.roll`) does once Python has handed it
/// the arrays. Each function is one pass over every cell.
///
/// These are the building blocks of the NumPy-style rungs (`whole-array`,
/// `in-place`, `roll-add`, `filter`): the rungs differ in *which* passes they
/// make and whether each pass writes into a new array or an existing one,
/// which is what this file leaves to its callers.
///
/// Why `@_specialize`: the callers are generic functions in other files. In
/// the package's debug builds (`-O`, but file by file rather than whole-module)
/// a call into another file cannot be specialised, and an unspecialised loop
/// over `DiffusionScalar` runs through witness tables, some hundred times
/// slower. The attribute makes this file emit the `Double` and `Float`
/// versions and begin the generic entry point with a type check that jumps to
/// them: one comparison per whole-array pass.
enum ArrayOperations {
    // MARK: Into a given output (ufuncs with `out=`)

    /// `out[k] = source[k]`: `np.copyto(out, source)`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func copy<Scalar: DiffusionScalar>(_ source: UnsafeBufferPointer<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>) {
        precondition(source.count == out.count, "arrays of different sizes")
        out.baseAddress!.update(from: source.baseAddress!, count: source.count)
    }

    /// `out[k] = a[k] + b[k]`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func add<Scalar: DiffusionScalar>(
        _ a: UnsafeBufferPointer<Scalar>, _ b: UnsafeBufferPointer<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>
    ) {
        precondition(a.count == out.count && b.count == out.count, "arrays of different sizes")
        let x = a.baseAddress!, y = b.baseAddress!, z = out.baseAddress!
        for k in 0 ..< out.count { z[k] = x[k] + y[k] }
    }

    /// `out[k] = a[k] − b[k]`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func subtract<Scalar: DiffusionScalar>(
        _ a: UnsafeBufferPointer<Scalar>, _ b: UnsafeBufferPointer<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>
    ) {
        precondition(a.count == out.count && b.count == out.count, "arrays of different sizes")
        let x = a.baseAddress!, y = b.baseAddress!, z = out.baseAddress!
        for k in 0 ..< out.count { z[k] = x[k] - y[k] }
    }

    /// `out[k] = s · a[k]`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func multiply<Scalar: DiffusionScalar>(
        _ s: Scalar, _ a: UnsafeBufferPointer<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>
    ) {
        precondition(a.count == out.count, "arrays of different sizes")
        let x = a.baseAddress!, z = out.baseAddress!
        for k in 0 ..< out.count { z[k] = s * x[k] }
    }

    // MARK: In place (`out op= …`)

    /// `out[k] += source[k]`: `out += source`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func add<Scalar: DiffusionScalar>(_ source: UnsafeBufferPointer<Scalar>, into out: UnsafeMutableBufferPointer<Scalar>) {
        precondition(source.count == out.count, "arrays of different sizes")
        let x = source.baseAddress!, z = out.baseAddress!
        for k in 0 ..< out.count { z[k] += x[k] }
    }

    /// `out[k] *= s`: `out *= s`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func multiply<Scalar: DiffusionScalar>(_ out: UnsafeMutableBufferPointer<Scalar>, by s: Scalar) {
        let z = out.baseAddress!
        for k in 0 ..< out.count { z[k] *= s }
    }

    // MARK: np.roll

    /// `out = np.roll(source, shift, axis)` for a rows × cols array and a shift
    /// of one cell, with the row or column that wraps around replaced by what
    /// `boundary` puts beyond that edge.
    ///
    /// Cell by cell, `out[i, j]` is the neighbour the shift brings to (i, j):
    ///
    /// | shift, axis | `out[i, j]`    | the neighbour | the edge that wraps |
    /// |-------------|----------------|---------------|---------------------|
    /// | +1, 0       | `source[i−1, j]` | north (N)   | row 0               |
    /// | −1, 0       | `source[i+1, j]` | south (S)   | row rows−1          |
    /// | +1, 1       | `source[i, j−1]` | west (W)    | column 0            |
    /// | −1, 1       | `source[i, j+1]` | east (E)    | column cols−1       |
    ///
    /// The edge that wraps receives the opposite edge (`periodic`: NumPy's own
    /// roll), the edge itself (`reflecting`: the neighbour beyond is the edge
    /// cell) or V (`fixed(V)`, rounded to `Scalar`).
    ///
    /// Like NumPy's implementation, the roll is two slice copies: the block
    /// that moves, then the edge that wraps. Along axis 1 both are strided —
    /// one short piece per row — which is why column rolls cost more than row
    /// rolls on wide grids.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func roll<Scalar: DiffusionScalar>(
        _ source: UnsafeBufferPointer<Scalar>, rows: Int, cols: Int, shift: Int, axis: Int,
        boundary: Boundary, into out: UnsafeMutableBufferPointer<Scalar>
    ) {
        precondition(source.count == rows * cols && out.count == rows * cols, "arrays of different sizes")
        precondition(shift == 1 || shift == -1, "a roll by one cell")
        precondition(axis == 0 || axis == 1, "a two-dimensional array")
        let x = source.baseAddress!, z = out.baseAddress!
        let ghost = Scalar(boundary.fixedValue ?? 0)
        switch (shift, axis) {
        case (1, 0):
            // out[1:, :] = source[:-1, :]; row 0 receives the row beyond.
            (z + cols).update(from: x, count: (rows - 1) * cols)
            fillRow(z, cols: cols, from: edgeRow(x, rows: rows, cols: cols, beyond: -1, boundary), ghost: ghost)
        case (-1, 0):
            // out[:-1, :] = source[1:, :]; row rows−1 receives the row beyond.
            z.update(from: x + cols, count: (rows - 1) * cols)
            fillRow(z + (rows - 1) * cols, cols: cols,
                    from: edgeRow(x, rows: rows, cols: cols, beyond: rows, boundary), ghost: ghost)
        case (1, 1):
            // out[:, 1:] = source[:, :-1]; column 0 receives the column beyond.
            for i in 0 ..< rows { (z + i * cols + 1).update(from: x + i * cols, count: cols - 1) }
            fillColumn(z, rows: rows, cols: cols, at: 0, from: x, beyond: -1, boundary, ghost: ghost)
        default:
            // out[:, :-1] = source[:, 1:]; column cols−1 receives the column beyond.
            for i in 0 ..< rows { (z + i * cols).update(from: x + i * cols + 1, count: cols - 1) }
            fillColumn(z, rows: rows, cols: cols, at: cols - 1, from: x, beyond: cols, boundary, ghost: ghost)
        }
    }

    /// The row of `x` at index `beyond` (−1 or rows), as the boundary rule
    /// puts it there (`Boundary.neighbour(at:count:)`), or nil for a fixed value.
    @inline(__always)
    private static func edgeRow<Scalar>(
        _ x: UnsafePointer<Scalar>, rows: Int, cols: Int, beyond index: Int, _ boundary: Boundary
    ) -> UnsafePointer<Scalar>? {
        switch boundary.neighbour(at: index, count: rows) {
        case .cell(let row): x + row * cols
        case .fixedValue: nil
        }
    }

    @inline(__always)
    private static func fillRow<Scalar>(_ z: UnsafeMutablePointer<Scalar>, cols: Int, from row: UnsafePointer<Scalar>?, ghost: Scalar) {
        if let row { z.update(from: row, count: cols) } else { z.update(repeating: ghost, count: cols) }
    }

    /// Writes column `column` of `z` from the column of `x` at index `beyond`
    /// (−1 or cols) by the boundary rule, or `ghost` for a fixed value.
    @inline(__always)
    private static func fillColumn<Scalar>(
        _ z: UnsafeMutablePointer<Scalar>, rows: Int, cols: Int, at column: Int,
        from x: UnsafePointer<Scalar>, beyond index: Int, _ boundary: Boundary, ghost: Scalar
    ) {
        switch boundary.neighbour(at: index, count: cols) {
        case .cell(let source): for i in 0 ..< rows { z[i * cols + column] = x[i * cols + source] }
        case .fixedValue: for i in 0 ..< rows { z[i * cols + column] = ghost }
        }
    }
}
