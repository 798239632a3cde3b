/// The shape of a `WholeArray`: rows × cols, row-major.
struct ArrayShape {
    let rows: Int
    let cols: Int
    var count: Int { rows * cols }
}

/// A stand-in for a NumPy `ndarray` of two dimensions: what the NumPy rungs
/// get back from every operation that NumPy answers with a new array.
///
/// Each value is one heap block — the shape followed by rows × cols cells,
/// left uninitialised as `np.empty` leaves them — allocated when the
/// operation makes it and freed when its last reference goes (NumPy's
/// reference count, here ARC). So `a + b` costs what it costs in NumPy: an
/// allocation, one pass reading `a` and `b` and writing fresh memory, and a
/// free once the result has been used.
///
/// `whole-array` builds its whole step from these; `in-place` uses them only
/// for the rolled copies that `np.roll` makes.
final class WholeArray<Scalar: DiffusionScalar>: ManagedBuffer<ArrayShape, Scalar> {
    /// A new rows × cols array with uninitialised cells: `np.empty`.
    ///
    /// Every operation below calls this once: it is the array's one allocation.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func empty(rows: Int, cols: Int) -> WholeArray {
        let shape = ArrayShape(rows: rows, cols: cols)
        // The cells are trivial values: leaving them uninitialised until the
        // operation writes them is safe, and what NumPy does.
        let buffer = create(minimumCapacity: shape.count) { _ in shape }
        return unsafeDowncast(buffer, to: WholeArray.self)
    }

    var rows: Int { header.rows }
    var cols: Int { header.cols }

    /// Calls `body` with the cells in row-major order.
    @inline(__always)
    func withCells<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R) rethrows -> R {
        let count = header.count
        return try withUnsafeMutablePointerToElements { try body(UnsafeMutableBufferPointer(start: $0, count: count)) }
    }

    /// A new array holding a copy of `cells`: `np.array(cells)`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func copy(of cells: UnsafeBufferPointer<Scalar>, rows: Int, cols: Int) -> WholeArray {
        let result = empty(rows: rows, cols: cols)
        result.withCells { ArrayOperations.copy(cells, into: $0) }
        return result
    }

    /// A new array: `np.roll(cells, shift, axis)` with the wrapped edge
    /// replaced as `boundary` says (`ArrayOperations.roll`).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func rolled(
        _ cells: UnsafeBufferPointer<Scalar>, rows: Int, cols: Int, shift: Int, axis: Int, boundary: Boundary
    ) -> WholeArray {
        let result = empty(rows: rows, cols: cols)
        result.withCells {
            ArrayOperations.roll(cells, rows: rows, cols: cols, shift: shift, axis: axis, boundary: boundary, into: $0)
        }
        return result
    }

    /// A new array: `np.roll(self, shift, axis)`, edge as `boundary` says.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    func rolled(shift: Int, axis: Int, boundary: Boundary) -> WholeArray {
        withCells { Self.rolled(UnsafeBufferPointer($0), rows: rows, cols: cols, shift: shift, axis: axis, boundary: boundary) }
    }

    /// A new array: `a + b`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func + (a: WholeArray, b: WholeArray) -> WholeArray {
        binary(a, b) { ArrayOperations.add($0, $1, into: $2) }
    }

    /// A new array: `a − b`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func - (a: WholeArray, b: WholeArray) -> WholeArray {
        binary(a, b) { ArrayOperations.subtract($0, $1, into: $2) }
    }

    /// A new array: `s * a`, a Python scalar times an array.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func * (s: Scalar, a: WholeArray) -> WholeArray {
        let result = empty(rows: a.rows, cols: a.cols)
        a.withCells { x in result.withCells { ArrayOperations.multiply(s, UnsafeBufferPointer(x), into: $0) } }
        return result
    }

    @inline(__always)
    private static func binary(
        _ a: WholeArray, _ b: WholeArray,
        _ operation: (UnsafeBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>, UnsafeMutableBufferPointer<Scalar>) -> Void
    ) -> WholeArray {
        precondition(a.rows == b.rows && a.cols == b.cols, "operands could not be broadcast together")
        let result = empty(rows: a.rows, cols: a.cols)
        a.withCells { x in
            b.withCells { y in
                result.withCells { operation(UnsafeBufferPointer(x), UnsafeBufferPointer(y), $0) }
            }
        }
        return result
    }
}
