/// What stands just beyond the edge of a line of cells (a row or a column of
/// the grid) under a boundary rule: another cell of the line, or the fixed
/// value. Every kernel that has no ghost cells of its own asks this one rule
/// (`Boundary.neighbour(at:count:)`), so a new boundary rule changes the model
/// (`Boundary`), this rule, the reference and the peers, not each schedule.
enum EdgeNeighbour: Equatable {
    /// The cell at this index of the line, 0 ..< count.
    case cell(Int)
    /// The boundary's fixed value, `Boundary.fixedValue`.
    case fixedValue
}

extension Boundary {
    /// The neighbour at `index`, one of the positions just beyond a line of
    /// `count` cells (−1 or `count`; more generally within `count` of the
    /// line, −count ≤ index < 2·count):
    ///
    /// - periodic: the cell on the opposite edge, index ± count;
    /// - reflecting: the edge cell itself, 0 or count − 1;
    /// - fixed(V): V.
    ///
    /// No division (this is asked once per row, or once per strip of rows,
    /// on every step). Indices inside the line are returned unchanged.
    @inline(__always)
    func neighbour(at index: Int, count: Int) -> EdgeNeighbour {
        if index >= 0 && index < count { return .cell(index) }
        switch self {
        case .periodic: return .cell(index < 0 ? index &+ count : index &- count)
        case .reflecting: return .cell(index < 0 ? 0 : count &- 1)
        case .fixed: return .fixedValue
        }
    }
}

extension Boundary {
    /// Row `index` (−1 ≤ index ≤ rows) of a row-major rows × cols grid at
    /// `base`: the row itself inside the grid, else the row the rule puts
    /// beyond the edge — `ghostRow` (cols copies of V) under fixed(V), which
    /// must then be given.
    @inline(__always)
    func row<Scalar>(_ index: Int, of base: UnsafePointer<Scalar>, rows: Int, cols: Int,
                     ghostRow: UnsafePointer<Scalar>?) -> UnsafePointer<Scalar> {
        switch neighbour(at: index, count: rows) {
        case .cell(let row): return base + row &* cols
        case .fixedValue: return ghostRow!
        }
    }

    /// The value at `index` (−1 or count) of the `count` cells at `line`:
    /// a cell of the line, or `fixedValue` (V in the grid's precision).
    @inline(__always)
    func value<Scalar>(_ index: Int, of line: UnsafePointer<Scalar>, count: Int, fixedValue: Scalar) -> Scalar {
        switch neighbour(at: index, count: count) {
        case .cell(let cell): return line[cell]
        case .fixedValue: return fixedValue
        }
    }
}
