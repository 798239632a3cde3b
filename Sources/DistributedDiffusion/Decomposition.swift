import DiffusionKit

/// A 2D Cartesian decomposition of a rows × cols grid over P processes: a
/// `processRows × processCols` process grid, each process owning one
/// rectangular block of cells.
///
/// ## Shape of the process grid
///
/// `factors(of:)` is MPI_Dims_create's rule for two dimensions: the
/// factorisation P = a·b with a ≥ b and a − b smallest (12 → 4 × 3,
/// 8 → 4 × 2, a prime p → p × 1). The larger factor splits the rows, so
/// P = 2 gives two bands of whole rows (contiguous in memory and in the
/// `.npy` file). The distributed run asks MPI_Dims_create itself and uses its
/// answer; this function is what plans and tests use without MPI.
///
/// ## Blocks
///
/// Rows are split as evenly as whole rows allow: with n rows over p parts
/// the first n mod p blocks get ⌊n/p⌋ + 1 rows, the others ⌊n/p⌋ (10 over 4:
/// 3, 3, 2, 2). Columns likewise. Blocks need not be equal.
///
/// ## Halos
///
/// A dimension is *exchanged* when it is split (more than one process along
/// it) or periodic (the one process is its own neighbour across the wrap).
/// Along an exchanged dimension every block carries a halo of h cells on each
/// side that has a neighbour, filled from that neighbour's block, so every
/// block must be at least h cells deep there; the stepped local grid (block
/// and halos) must also have at least `Problem.minimumSide` cells a side.
public struct Decomposition: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// Processes along the rows (how many bands of rows), MPI dimension 0.
    public let processRows: Int
    /// Processes along the columns, MPI dimension 1.
    public let processCols: Int
    /// Periodic boundary: the process grid wraps in both dimensions.
    public let periodic: Bool

    public init(rows: Int, cols: Int, processRows: Int, processCols: Int, periodic: Bool) {
        precondition(rows > 0 && cols > 0 && processRows > 0 && processCols > 0)
        self.rows = rows
        self.cols = cols
        self.processRows = processRows
        self.processCols = processCols
        self.periodic = periodic
    }

    /// The decomposition MPI_Dims_create chooses for `ranks` processes.
    public init(rows: Int, cols: Int, ranks: Int, periodic: Bool) {
        let (a, b) = Self.factors(of: ranks)
        self.init(rows: rows, cols: cols, processRows: a, processCols: b, periodic: periodic)
    }

    /// The number of processes.
    public var ranks: Int { processRows * processCols }

    /// P = a·b with a ≥ b and a − b smallest: MPI_Dims_create in two dimensions.
    public static func factors(of ranks: Int) -> (Int, Int) {
        precondition(ranks > 0, "at least one process")
        var b = Int(Double(ranks).squareRoot())
        while b > 1 && ranks % b != 0 { b -= 1 }
        return (ranks / b, b)
    }

    /// Part `index` of `parts` of `extent` cells: the first `extent mod parts`
    /// parts hold one cell more.
    public static func blockRange(index: Int, parts: Int, extent: Int) -> Range<Int> {
        precondition(parts > 0 && (0 ..< parts).contains(index))
        let base = extent / parts, extra = extent % parts
        let start = index * base + min(index, extra)
        return start ..< start + base + (index < extra ? 1 : 0)
    }

    /// The rows owned by the processes in process row `index`.
    public func rowRange(_ index: Int) -> Range<Int> {
        Self.blockRange(index: index, parts: processRows, extent: rows)
    }

    /// The columns owned by the processes in process column `index`.
    public func colRange(_ index: Int) -> Range<Int> {
        Self.blockRange(index: index, parts: processCols, extent: cols)
    }

    /// Rows along dimension 0 are exchanged (split, or wrapped).
    public var exchangesRows: Bool { processRows > 1 || periodic }
    /// Columns along dimension 1 are exchanged.
    public var exchangesCols: Bool { processCols > 1 || periodic }
    /// Any halo at all: false only for one process under a non-periodic rule.
    public var exchangesAny: Bool { exchangesRows || exchangesCols }

    /// The smallest block's rows (the last process row's: blocks shrink toward the end).
    public var smallestBlockRows: Int { rows / processRows }
    /// The smallest block's columns.
    public var smallestBlockCols: Int { cols / processCols }

    /// The deepest halo every block can feed: the smallest block side along
    /// an exchanged dimension (nil when nothing is exchanged).
    public var deepestHalo: Int? {
        switch (exchangesRows, exchangesCols) {
        case (true, true): min(smallestBlockRows, smallestBlockCols)
        case (true, false): smallestBlockRows
        case (false, true): smallestBlockCols
        case (false, false): nil
        }
    }

    /// True when every block can carry a halo `depth` deep and every local
    /// grid (block and halos) has at least `Problem.minimumSide` cells a side.
    public func supports(haloDepth depth: Int) -> Bool {
        guard depth >= 1, smallestBlockRows >= 1, smallestBlockCols >= 1 else { return false }
        func fits(_ exchanged: Bool, _ smallest: Int) -> Bool {
            // Without a halo the side is the whole grid's (≥ minimumSide by
            // Problem.validate); with one, the thinnest local grid is the
            // smallest block plus at least one halo.
            !exchanged || (smallest >= depth && smallest + depth >= Problem.minimumSide)
        }
        return fits(exchangesRows, smallestBlockRows) && fits(exchangesCols, smallestBlockCols)
    }

    /// The halo depth a run uses when none is asked for: an eighth of the
    /// smallest exchanged block side, between 1 and `maximumAutomaticHalo`.
    ///
    /// Deep halos trade messages for recomputed cells: a halo h deep on a
    /// block b cells a side recomputes about 2h/b of its cells per step, and
    /// exchanges once every h steps. h = b/8 keeps the recomputation under
    /// a quarter; 16 matches the depth at which the `temporal` schedule that
    /// steps each block stops gaining (see TemporalSchedule).
    public var automaticHaloDepth: Int {
        guard let deepest = deepestHalo else { return 1 }
        return max(1, min(Self.maximumAutomaticHalo, deepest / 8))
    }

    public static let maximumAutomaticHalo = 16

    /// The most processes, at most `ranks`, whose decomposition of this grid
    /// supports a halo `depth` deep (nil when not even one process does).
    public static func largestUsableRanks(rows: Int, cols: Int, atMost ranks: Int, haloDepth depth: Int, periodic: Bool) -> Int? {
        var p = ranks
        while p >= 1 {
            if Decomposition(rows: rows, cols: cols, ranks: p, periodic: periodic).supports(haloDepth: depth) { return p }
            p -= 1
        }
        return nil
    }

    /// Checks that the blocks can carry a halo `depth` deep; the error names
    /// the largest usable number of processes.
    public func validate(haloDepth depth: Int) throws(DecompositionError) {
        guard !supports(haloDepth: depth) else { return }
        let largest = Self.largestUsableRanks(rows: rows, cols: cols, atMost: ranks, haloDepth: depth, periodic: periodic)
        throw DecompositionError(
            rows: rows, cols: cols, processRows: processRows, processCols: processCols,
            blockRows: smallestBlockRows, blockCols: smallestBlockCols, haloDepth: depth, largestUsableRanks: largest)
    }
}

/// A decomposition whose blocks are too small for their halo.
public struct DecompositionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let rows: Int, cols: Int
    public let processRows: Int, processCols: Int
    public let blockRows: Int, blockCols: Int
    public let haloDepth: Int
    public let largestUsableRanks: Int?

    public var description: String {
        let ranks = processRows * processCols
        var text = "the \(rows)×\(cols) grid over \(ranks) processes (\(processRows)×\(processCols)) leaves blocks of "
            + "\(blockRows)×\(blockCols) cells, too small for a halo \(haloDepth) deep"
        if let largest = largestUsableRanks {
            text += ": use at most \(largest) process\(largest == 1 ? "" : "es")"
            if haloDepth > 1 { text += " or a smaller --halo-depth" }
        } else {
            text += ": use a smaller --halo-depth or a larger grid"
        }
        return text
    }
}
