/// The folded row layout, in which `temporal` sweeps whole rows on machines
/// whose vectors it pays on (`TemporalPlan.folded`).
///
/// A row of C = Q · L cells, L the lanes of the kernel's vector, is stored
/// as Q vectors: lane l of vector q holds column l · Q + q. The row is cut
/// into L pieces of Q columns, and the pieces are laid side by side, one per
/// lane:
///
///     columns  0 1 2 3 | 4 5 6 7 | 8 9 10 11 | 12 13 14 15      (C = 16, L = 4, Q = 4)
///     vector 0: (0, 4, 8, 12)   vector 1: (1, 5, 9, 13)   …   vector 3: (3, 7, 11, 15)
///
/// The east neighbours of vector q are then vector q + 1 itself, and its
/// west neighbours vector q − 1: whole vectors at aligned offsets, where the
/// natural layout shuffles two vectors to form each (`StencilLine`). Only
/// the row's two end vectors need a shift: the west neighbours of vector 0
/// are (ghost, lanes 0 … L − 2 of vector Q − 1), the east neighbours of
/// vector Q − 1 are (lanes 1 … L − 1 of vector 0, ghost), the ghosts being
/// what the boundary rule puts beyond columns 0 and C − 1
/// (`ghost(beyond:of:…)`). Rows are not mixed, so the north and south
/// neighbours, and everything the sweeps do with rows, are unchanged.
///
/// The cells are the same and each is computed by the same expression
/// (`stencilUpdate`) from the same neighbours, so a folded sweep is
/// bit-identical to the reference. Folding and unfolding cost one copy of
/// the grid each per run (`fold`, `unfold`).
///
/// Edge cases: C must be a multiple of L, with at least
/// `minimumVectors` vectors (`canFold`); other widths keep the natural layout.
enum FoldedRows {
    /// Vectors a folded row has at least: the two-level kernel
    /// (`FoldedPair`) needs three, and a row this short gains nothing.
    static let minimumVectors = 4

    /// Lanes of a folded row of `scalarBytes`-byte cells on a machine with
    /// `vectorBytes`-byte vectors: those of the kernel's vector
    /// (`kernelVectorBytes`).
    static func lanes(vectorBytes: Int, scalarBytes: Int) -> Int {
        kernelVectorBytes(vectorBytes) / scalarBytes
    }

    /// Whether rows of `cols` cells fold into vectors of `lanes` lanes.
    static func canFold(cols: Int, lanes: Int) -> Bool {
        lanes > 1 && cols % lanes == 0 && cols / lanes >= minimumVectors
    }

    /// Where column `column` (0 ..< cols) of a row is in its folded row.
    @inline(__always)
    static func index(ofColumn column: Int, cols: Int, lanes: Int) -> Int {
        let vectors = cols / lanes
        return (column % vectors) &* lanes &+ column / vectors
    }

    /// What lies beyond the edge of the folded row at `row` — `index` is −1
    /// (west of column 0) or `cols` (east of column C − 1) — under
    /// `boundary`: a cell of the row (its folded position), or `fixedValue`.
    @inline(__always)
    static func ghost<Scalar>(beyond index: Int, of row: UnsafePointer<Scalar>, cols: Int, lanes: Int,
                              boundary: Boundary, fixedValue: Scalar) -> Scalar {
        switch boundary.neighbour(at: index, count: cols) {
        case .cell(let column): row[Self.index(ofColumn: column, cols: cols, lanes: lanes)]
        case .fixedValue: fixedValue
        }
    }

    /// Folds rows `rows` of the row-major `source` (natural layout) into the
    /// same rows of `target`. The two must not overlap.
    static func fold<Scalar>(rows: Range<Int>, of source: UnsafePointer<Scalar>,
                             into target: UnsafeMutablePointer<Scalar>, cols: Int, lanes: Int) {
        let vectors = cols / lanes
        for row in rows {
            let from = source + row &* cols, to = target + row &* cols
            // Lane by lane: a contiguous read, a strided write.
            for lane in 0 ..< lanes {
                let piece = from + lane &* vectors
                for vector in 0 ..< vectors { to[vector &* lanes &+ lane] = piece[vector] }
            }
        }
    }

    /// Unfolds rows `rows` of the folded `source` into the natural layout in
    /// `target`: the inverse of `fold`.
    static func unfold<Scalar>(rows: Range<Int>, of source: UnsafePointer<Scalar>,
                               into target: UnsafeMutablePointer<Scalar>, cols: Int, lanes: Int) {
        let vectors = cols / lanes
        for row in rows {
            let from = source + row &* cols, to = target + row &* cols
            for lane in 0 ..< lanes {
                let piece = to + lane &* vectors
                for vector in 0 ..< vectors { piece[vector] = from[vector &* lanes &+ lane] }
            }
        }
    }
}
