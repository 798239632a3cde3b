#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rows × cols field of values in one contiguous, 64-byte-aligned buffer,
/// row-major (C order, NumPy's default): cell (i, j) is element `i * cols + j`.
///
/// `Grid` is a value type with copy-on-write storage, like `Array`: copies
/// share the buffer until one of them is mutated. The alignment lets vector
/// loads of whole cache lines start at cell 0; rows are not padded, so the
/// buffer is exactly what a `.npy` file holds.
///
/// The grid knows nothing about how it is stepped: schedules borrow its buffer
/// through `withUnsafeBufferPointer` and `withUnsafeMutableBufferPointer`.
public struct Grid<Scalar: DiffusionScalar>: @unchecked Sendable {
    // @unchecked: the storage is a class holding a raw buffer; it is only
    // mutated through `makeUnique()`, which copies unless the storage is
    // uniquely referenced, so no two values ever write to shared memory.

    /// Number of rows (the first NumPy axis).
    public let rows: Int
    /// Number of columns (the second NumPy axis).
    public let cols: Int
    @usableFromInline var storage: GridStorage<Scalar>

    /// Alignment of the buffer in bytes: one cache line, one AVX-512 vector.
    public static var alignment: Int { 64 }

    /// A grid with every cell set to `value`.
    ///
    /// - Precondition: `rows` and `cols` are positive and `rows * cols` does not
    ///   overflow. `Problem.validate` checks sizes users type before any grid
    ///   is made; this precondition guards programmer error.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init(rows: Int, cols: Int, repeating value: Scalar = 0) {
        precondition(rows > 0 && cols > 0, "a grid needs at least one row and one column")
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        precondition(!overflow, "rows × cols overflows Int")
        self.rows = rows
        self.cols = cols
        self.storage = GridStorage(count: count, repeating: value)
    }

    /// A grid with every cell set to `value`, or `outOfMemory` when the
    /// memory budget or the system refuses the buffer (never a crash).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init(allocating rows: Int, cols: Int, repeating value: Scalar = 0) throws(DiffusionError) {
        precondition(rows > 0 && cols > 0, "a grid needs at least one row and one column")
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        let (bytes, bytesOverflow) = count.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        guard !overflow, !bytesOverflow else { throw .outOfMemory(bytes: Int.max, available: MemoryBudget.availableBytes) }
        try MemoryBudget.checkAllocation(bytes: bytes)
        guard let storage = GridStorage(failableCount: count, repeating: value) else {
            throw .outOfMemory(bytes: bytes, available: nil)
        }
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A grid holding `values` in row-major order.
    ///
    /// - Precondition: `values.count == rows * cols`.
    public init(rows: Int, cols: Int, values: some Collection<Scalar>) {
        self.init(rows: rows, cols: cols)
        precondition(values.count == count, "expected \(count) values for a \(rows) × \(cols) grid, got \(values.count)")
        _ = storage.buffer.update(fromContentsOf: values)
    }

    /// A grid of nested rows, as `[[Double]]` holds them.
    ///
    /// - Precondition: at least one row, and all rows have the same length.
    public init(nestedRows: [[Scalar]]) {
        precondition(!nestedRows.isEmpty, "a grid needs at least one row")
        let cols = nestedRows[0].count
        precondition(nestedRows.allSatisfy { $0.count == cols }, "all rows must have the same length")
        self.init(rows: nestedRows.count, cols: cols, values: nestedRows.joined())
    }

    /// The number of cells, rows × cols.
    @inlinable public var count: Int { rows * cols }

    /// The cell in row `row` and column `col`.
    ///
    /// - Precondition: `0 <= row < rows` and `0 <= col < cols`.
    @inlinable
    public subscript(row: Int, col: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "cell (\(row), \(col)) is outside the \(rows) × \(cols) grid")
            return storage.buffer[row * cols + col]
        }
        set {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "cell (\(row), \(col)) is outside the \(rows) × \(cols) grid")
            makeUnique()
            storage.buffer[row * cols + col] = newValue
        }
    }

    /// Calls `body` with the cells in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// Calls `body` with the cells in row-major order, for writing.
    ///
    /// The pointer must not escape `body`.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        makeUnique()
        return try body(storage.buffer)
    }

    /// The cells in row-major order, copied into an array.
    public var values: [Scalar] { Array(storage.buffer) }

    /// The rows, copied into nested arrays.
    public var nestedRows: [[Scalar]] {
        (0 ..< rows).map { i in Array(storage.buffer[i * cols ..< (i + 1) * cols]) }
    }

    /// This grid in another precision, each value converted with rounding to nearest.
    public func converted<Other: DiffusionScalar>(to _: Other.Type = Other.self) -> Grid<Other> {
        var result = Grid<Other>(rows: rows, cols: cols)
        result.withUnsafeMutableBufferPointer { destination in
            for index in 0 ..< count { destination[index] = Other(storage.buffer[index]) }
        }
        return result
    }

    /// Copies `other`'s cells into this grid without allocating.
    ///
    /// - Precondition: both grids have the same shape.
    public mutating func assign(from other: Grid<Scalar>) {
        precondition(rows == other.rows && cols == other.cols, "shapes differ")
        if storage === other.storage { return }
        makeUnique()
        storage.buffer.baseAddress!.update(from: other.storage.buffer.baseAddress!, count: count)
    }

    /// Gives this value its own buffer when the current one is shared.
    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }
}

extension Grid: Equatable {
    /// Same shape and bitwise-equal values under `==` (so NaN ≠ NaN, 0 == −0).
    public static func == (lhs: Grid, rhs: Grid) -> Bool {
        guard lhs.rows == rhs.rows, lhs.cols == rhs.cols else { return false }
        if lhs.storage === rhs.storage { return true }
        return lhs.storage.buffer.elementsEqual(rhs.storage.buffer)
    }
}

/// The heap buffer behind a `Grid`.
@usableFromInline
final class GridStorage<Scalar: DiffusionScalar> {
    @usableFromInline let buffer: UnsafeMutableBufferPointer<Scalar>

    init(count: Int, repeating value: Scalar) {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: count * MemoryLayout<Scalar>.stride,
            alignment: Grid<Scalar>.alignment
        )
        let typed = raw.initializeMemory(as: Scalar.self, repeating: value, count: count)
        buffer = UnsafeMutableBufferPointer(start: typed, count: count)
    }

    /// Storage from `posix_memalign`, or nil when the system refuses it.
    init?(failableCount count: Int, repeating value: Scalar) {
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, Grid<Scalar>.alignment, max(1, count * MemoryLayout<Scalar>.stride)) == 0, let raw else { return nil }
        let typed = raw.initializeMemory(as: Scalar.self, repeating: value, count: count)
        buffer = UnsafeMutableBufferPointer(start: typed, count: count)
    }

    @usableFromInline
    func copy() -> GridStorage {
        let result = GridStorage(count: buffer.count, repeating: 0)
        result.buffer.baseAddress!.update(from: buffer.baseAddress!, count: buffer.count)
        return result
    }

    deinit {
        UnsafeMutableRawPointer(buffer.baseAddress!).deallocate()
    }
}
