import DiffusionKit

/// One process's block and the local grid it steps: the block with a halo
/// `haloDepth` cells deep on every side that has a neighbour.
///
///     local grid (localRows × localCols)
///     ┌───────────────────────────┐  north halo: haloNorth rows
///     │   ┌───────────────────┐   │
///     │ W │  owned block      │ E │  ownedRows × ownedCols, at
///     │   │  (rows × cols)    │   │  (haloNorth, haloWest)
///     │   └───────────────────┘   │
///     └───────────────────────────┘  south halo: haloSouth rows
///
/// A side has a halo when a neighbouring process lies beyond it (the process
/// grid is split there, or wraps under `periodic`); a side on the grid's
/// edge under `reflecting` or `fixed` has none, and the boundary rule
/// applies there as in the one-process run.
///
/// ## Why stepping the local grid on its own is exact (deep halos)
///
/// After an exchange every halo cell holds the global field's value. The
/// local grid is then stepped m ≤ h times as a standalone grid, by any
/// schedule, with `localProblem`'s boundary rule on all four sides. On the
/// sides on the grid's edge that rule is the true one. On halo sides it is
/// wrong, but a wrong value spreads one cell per step (the stencil reaches
/// one cell), so after s steps only cells within s of a halo side's edge can
/// differ from the global field, and the owned block, h ≥ m cells in, is
/// exact: every owned cell is computed by the same kernel from the same
/// values as in the one-process run, hence bitwise equal to it. The halo
/// region shrinks by one valid cell per step; the next exchange refills it.
public struct BlockLayout: Sendable, Equatable {
    /// The process's coordinates in the process grid (row, column).
    public let processRow: Int, processCol: Int
    /// The global rows and columns this process owns.
    public let rows: Range<Int>, cols: Range<Int>
    public let haloDepth: Int
    public let haloNorth: Int, haloSouth: Int, haloWest: Int, haloEast: Int

    public init(_ decomposition: Decomposition, processRow: Int, processCol: Int, haloDepth: Int) {
        self.processRow = processRow
        self.processCol = processCol
        rows = decomposition.rowRange(processRow)
        cols = decomposition.colRange(processCol)
        self.haloDepth = haloDepth
        let wraps = decomposition.periodic
        haloNorth = processRow > 0 || wraps ? haloDepth : 0
        haloSouth = processRow < decomposition.processRows - 1 || wraps ? haloDepth : 0
        haloWest = processCol > 0 || wraps ? haloDepth : 0
        haloEast = processCol < decomposition.processCols - 1 || wraps ? haloDepth : 0
    }

    public var ownedRows: Int { rows.count }
    public var ownedCols: Int { cols.count }
    public var localRows: Int { haloNorth + ownedRows + haloSouth }
    public var localCols: Int { haloWest + ownedCols + haloEast }

    /// The problem the local grid is stepped as: the same model on the
    /// local shape. `periodic` becomes `reflecting`: every side is then a
    /// halo side, where any rule gives the same owned cells (see the type's
    /// comment), and wrapping a block onto itself would only cost work.
    public func localProblem(_ problem: Problem) -> Problem {
        var local = problem
        local.rows = localRows
        local.cols = localCols
        if case .periodic = problem.boundary { local.boundary = .reflecting }
        local.initial = .block  // never used: the local grid is filled from the global field
        return local
    }

    /// The global cell (wrapped into the grid under `periodic`) that local
    /// cell (i, j) holds.
    public func globalCell(localRow i: Int, localCol j: Int, gridRows: Int, gridCols: Int) -> (row: Int, col: Int) {
        let row = rows.lowerBound - haloNorth + i, col = cols.lowerBound - haloWest + j
        return ((row % gridRows + gridRows) % gridRows, (col % gridCols + gridCols) % gridCols)
    }

    /// The owned block of `local` (ownedRows × ownedCols).
    public func ownedBlock<Scalar: DiffusionScalar>(of local: Grid<Scalar>) -> Grid<Scalar> {
        precondition(local.rows == localRows && local.cols == localCols)
        var block = Grid<Scalar>(rows: ownedRows, cols: ownedCols)
        let width = ownedCols, stride = localCols
        local.withUnsafeBufferPointer { source in
            block.withUnsafeMutableBufferPointer { target in
                for i in 0 ..< ownedRows {
                    let from = source.baseAddress! + (haloNorth + i) * stride + haloWest
                    (target.baseAddress! + i * width).update(from: from, count: width)
                }
            }
        }
        return block
    }

    /// Copies `block` (ownedRows × ownedCols) into the owned part of `local`.
    public func placeOwned<Scalar: DiffusionScalar>(_ block: Grid<Scalar>, into local: inout Grid<Scalar>) {
        precondition(local.rows == localRows && local.cols == localCols)
        precondition(block.rows == ownedRows && block.cols == ownedCols)
        let width = ownedCols, stride = localCols
        block.withUnsafeBufferPointer { source in
            local.withUnsafeMutableBufferPointer { target in
                for i in 0 ..< ownedRows {
                    let to = target.baseAddress! + (haloNorth + i) * stride + haloWest
                    to.update(from: source.baseAddress! + i * width, count: width)
                }
            }
        }
    }

    /// The owned block of a whole grid (rows × cols of this layout).
    public func block<Scalar: DiffusionScalar>(of grid: Grid<Scalar>) -> Grid<Scalar> {
        var block = Grid<Scalar>(rows: ownedRows, cols: ownedCols)
        let gridCols = grid.cols, width = ownedCols
        grid.withUnsafeBufferPointer { source in
            block.withUnsafeMutableBufferPointer { target in
                for i in 0 ..< ownedRows {
                    let from = source.baseAddress! + (rows.lowerBound + i) * gridCols + cols.lowerBound
                    (target.baseAddress! + i * width).update(from: from, count: width)
                }
            }
        }
        return block
    }

    /// Steps in each exchange cycle: at most `haloDepth`, in as few cycles as
    /// that allows, spread evenly (50 steps at h = 16: 13, 13, 12, 12, not
    /// 16, 16, 16, 2: each cycle costs the `temporal` schedule one pass over
    /// memory, however few its steps); all steps at once when nothing is exchanged.
    public static func cycleLengths(steps: Int, haloDepth: Int, exchanges: Bool) -> [Int] {
        guard steps > 0 else { return [] }
        guard exchanges else { return [steps] }
        let cycles = (steps + haloDepth - 1) / haloDepth
        return (0 ..< cycles).map { steps / cycles + ($0 < steps % cycles ? 1 : 0) }
    }
}
