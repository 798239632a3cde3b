/// The kernels of folded rows (`FoldedRows`): one step of a strip of up to
/// four rows (`FoldedStrip`), and two steps of four rows in one pass
/// (`FoldedPair`), with the reference's expression (`stencilUpdate`), so
/// bit-identical to it.
///
/// ## Why they are fast
///
/// - No shuffles in the row's body: a vector's east and west neighbours are
///   the next and the previous vector (`FoldedRows`), where the natural
///   layout forms each with a two-register permute. On the Zen 4 those
///   permutes share ports with the additions; in a row held in L1 the folded
///   loop ran at 7.0 G updates/s against 5.6 (one core, 4 × 320 cells,
///   measured in a stand-alone loop, see RESULTS.md 2026-12-05, evening).
/// - Fewer stores and loads per update (`FoldedPair`): a `temporal` sweep
///   is bound by the traffic between L1 and L2 (its rings are larger than
///   L1), and a store to a line in L2 costs most of it (storing two of four
///   rows made the same loop 17 % faster). The pair computes level t's four
///   rows and, one vector behind, level t + 1's four rows from them while
///   they are still in registers: per two levels it loads 8 row-vectors and
///   stores 6, where two separate strips load 12 and store 8.
///
/// ## The pair's schedule
///
/// Level t (from level t − 1's rows i − 1 … i + 4) computes rows i … i + 3 at
/// vector q; level t + 1 computes rows i − 1 … i + 2 at vector q − 1, which
/// needs level t at q − 2, q − 1 and q (its west, centre and east), rows
/// i − 2 … i + 3 — i − 2 and i − 1 from the previous round (the ring), the
/// rest just computed. Level t's rows i + 2 and i + 3 are stored (the next
/// round's level t + 1 reads them); rows i and i + 1 only where the row's
/// wrap needs them later: vectors 0, 1 and Q − 1, whose neighbours across the
/// fold level t + 1 takes last, once level t's whole row exists.
///
/// Registers: level t − 1's west and centre vectors (8), its east (4), the
/// north and south rows (2), level t at q − 2, q − 1, q (11), row i − 1's
/// three and row i − 2's one, r and −4: 31 of AVX-512's 32 (and of NEON's
/// 32). On AVX2's 16 it spills (53 stack references in its loop), and the
/// single-level strip, with about 16 live vectors, was faster there:
/// `TemporalSchedule.pairsFoldedLevels` pairs levels only on 64-byte vectors.

/// Up to four adjacent folded rows to advance by one step: `StencilStrip`
/// for whole folded rows.
struct FoldedStrip<Scalar: StencilScalar> {
    typealias Row = UnsafePointer<Scalar>
    typealias OutputRow = UnsafeMutablePointer<Scalar>

    /// Rows in the strip, 1…4; the unused members of `centre` and `output` are ignored.
    var rows: Int
    /// The row above `centre.0`, and the row below the last centre row.
    var north: Row
    var centre: (Row, Row, Row, Row)
    var south: Row
    var output: (OutputRow, OutputRow, OutputRow, OutputRow)
    /// Cells in a row, a multiple of the lanes (`FoldedRows.canFold`).
    var cols: Int
    var boundary: Boundary
    var coefficient: Scalar
    var fixedValue: Scalar
    /// Bytes of the vectors the rows were folded for (`kernelVectorBytes`).
    var vectorBytes: Int
}

/// Two levels of four folded rows, in one pass (see the file's comment).
///
/// Level t's rows i … i + 3 are computed from level t − 1's rows
/// i − 1 … i + 4 (`input`); level t + 1's rows i − 1 … i + 2 (`output`) from
/// level t's rows i − 2 … i + 3 (`middle`: the first two read, the last four
/// written). No output row may overlap an input row.
struct FoldedPair<Scalar: StencilScalar> {
    typealias Row = UnsafePointer<Scalar>
    typealias OutputRow = UnsafeMutablePointer<Scalar>

    /// Level t − 1, rows i − 1 … i + 4.
    var input: (Row, Row, Row, Row, Row, Row)
    /// Level t, rows i − 2 and i − 1 (computed in the previous round).
    var middleAbove: (Row, Row)
    /// Level t, rows i … i + 3: rows i + 2 and i + 3 are written whole, rows
    /// i and i + 1 at vectors 0, 1 and Q − 1 only.
    var middle: (OutputRow, OutputRow, OutputRow, OutputRow)
    /// Level t + 1, rows i − 1 … i + 2.
    var output: (OutputRow, OutputRow, OutputRow, OutputRow)
    var cols: Int
    var boundary: Boundary
    var coefficient: Scalar
    var fixedValue: Scalar
    var vectorBytes: Int
}

extension Double {
    static func updateFoldedStrip(_ strip: FoldedStrip<Double>) {
        switch kernelVectorBytes(strip.vectorBytes) {
        case 64: foldedStrip(strip, SIMD8<Double>.self)
        case 32: foldedStrip(strip, SIMD4<Double>.self)
        default: foldedStrip(strip, SIMD2<Double>.self)
        }
    }

    static func updateFoldedPair(_ pair: FoldedPair<Double>) {
        switch kernelVectorBytes(pair.vectorBytes) {
        case 64: foldedPair(pair, SIMD8<Double>.self)
        case 32: foldedPair(pair, SIMD4<Double>.self)
        default: foldedPair(pair, SIMD2<Double>.self)
        }
    }
}

extension Float {
    static func updateFoldedStrip(_ strip: FoldedStrip<Float>) {
        switch kernelVectorBytes(strip.vectorBytes) {
        case 64: foldedStrip(strip, SIMD16<Float>.self)
        case 32: foldedStrip(strip, SIMD8<Float>.self)
        default: foldedStrip(strip, SIMD4<Float>.self)
        }
    }

    static func updateFoldedPair(_ pair: FoldedPair<Float>) {
        switch kernelVectorBytes(pair.vectorBytes) {
        case 64: foldedPair(pair, SIMD16<Float>.self)
        case 32: foldedPair(pair, SIMD8<Float>.self)
        default: foldedPair(pair, SIMD4<Float>.self)
        }
    }
}

/// The edges of a folded row of `cols` cells in `Line`'s lanes: the west
/// neighbours of its first vector and the east neighbours of its last.
private struct FoldedEdges<Line: StencilLine> {
    let cols: Int
    let boundary: Boundary
    let fixedValue: Line.Scalar
    /// Offset of the last vector.
    var last: Int { cols &- Line.scalarCount }

    @inline(__always) func ghost(_ index: Int, _ row: UnsafePointer<Line.Scalar>) -> Line {
        Line(repeating: FoldedRows.ghost(beyond: index, of: row, cols: cols, lanes: Line.scalarCount,
                                         boundary: boundary, fixedValue: fixedValue))
    }

    /// (ghost west of column 0, lanes 0 … L − 2 of the last vector).
    @inline(__always) func westOfFirst(_ row: UnsafePointer<Line.Scalar>) -> Line {
        Line.westShift(ghost(-1, row), loadVector(row, last))
    }

    /// (lanes 1 … L − 1 of the first vector, ghost east of column C − 1).
    @inline(__always) func eastOfLast(_ row: UnsafePointer<Line.Scalar>) -> Line {
        Line.eastShift(loadVector(row, 0), ghost(cols, row))
    }
}

@inline(__always)
private func foldedStrip<Scalar: StencilScalar, Line: StencilLine>(_ strip: FoldedStrip<Scalar>, _ line: Line.Type)
where Line.Scalar == Scalar {
    switch strip.rows {
    case 4: foldedRows(strip, 4, line)
    case 3: foldedRows(strip, 3, line)
    case 2: foldedRows(strip, 2, line)
    default: foldedRows(strip, 1, line)
    }
}

/// The strip with its row count `k` a constant after inlining (unrolled,
/// in registers), as `stripRows` in `StencilKernel.swift`.
@inline(__always)
private func foldedRows<Scalar: StencilScalar, Line: StencilLine>(_ s: FoldedStrip<Scalar>, _ k: Int, _: Line.Type)
where Line.Scalar == Scalar {
    let width = Line.scalarCount
    precondition(FoldedRows.canFold(cols: s.cols, lanes: width), "rows must be folded for this vector width")
    let edges = FoldedEdges<Line>(cols: s.cols, boundary: s.boundary, fixedValue: s.fixedValue)
    let last = edges.last
    let r = Line(repeating: s.coefficient), minusFour = Line(repeating: -4)
    let (c0, c1, c2, c3) = s.centre
    let (o0, o1, o2, o3) = s.output
    let north = s.north, south = s.south
    @inline(__always) func load(_ row: UnsafePointer<Scalar>, _ j: Int) -> Line { loadVector(row, j) }
    @inline(__always) func east(_ row: UnsafePointer<Scalar>, _ p: Int) -> Line {
        p < last ? load(row, p &+ width) : edges.eastOfLast(row)
    }

    // Vector p's west neighbours are the previous centre vector, its east
    // ones the next: three vectors per row in registers, no shuffles.
    var x0 = load(c0, 0), x1 = k > 1 ? load(c1, 0) : x0
    var x2 = k > 2 ? load(c2, 0) : x0, x3 = k > 3 ? load(c3, 0) : x0
    var w0 = edges.westOfFirst(c0), w1 = k > 1 ? edges.westOfFirst(c1) : x0
    var w2 = k > 2 ? edges.westOfFirst(c2) : x0, w3 = k > 3 ? edges.westOfFirst(c3) : x0
    var p = 0
    while p <= last {
        let up = load(north, p), down = load(south, p)
        let y0 = east(c0, p)
        let y1 = k > 1 ? east(c1, p) : y0
        let y2 = k > 2 ? east(c2, p) : y0
        let y3 = k > 3 ? east(c3, p) : y0
        storeVector(stencilUpdate(centre: x0, south: k > 1 ? x1 : down, north: up, east: y0, west: w0,
                                  r: r, minusFour: minusFour), o0, p)
        if k > 1 {
            storeVector(stencilUpdate(centre: x1, south: k > 2 ? x2 : down, north: x0, east: y1, west: w1,
                                      r: r, minusFour: minusFour), o1, p)
        }
        if k > 2 {
            storeVector(stencilUpdate(centre: x2, south: k > 3 ? x3 : down, north: x1, east: y2, west: w2,
                                      r: r, minusFour: minusFour), o2, p)
        }
        if k > 3 {
            storeVector(stencilUpdate(centre: x3, south: down, north: x2, east: y3, west: w3,
                                      r: r, minusFour: minusFour), o3, p)
        }
        w0 = x0; x0 = y0
        if k > 1 { w1 = x1; x1 = y1 }
        if k > 2 { w2 = x2; x2 = y2 }
        if k > 3 { w3 = x3; x3 = y3 }
        p &+= width
    }
}

/// Two levels of four folded rows in one pass; see the file's comment for
/// the schedule and `FoldedPair` for the rows.
@inline(__always)
private func foldedPair<Scalar: StencilScalar, Line: StencilLine>(_ s: FoldedPair<Scalar>, _: Line.Type)
where Line.Scalar == Scalar {
    let width = Line.scalarCount
    precondition(FoldedRows.canFold(cols: s.cols, lanes: width), "rows must be folded for this vector width")
    let edges = FoldedEdges<Line>(cols: s.cols, boundary: s.boundary, fixedValue: s.fixedValue)
    let last = edges.last
    let r = Line(repeating: s.coefficient), minusFour = Line(repeating: -4)
    let (inNorth, a0, a1, a2, a3, inSouth) = s.input
    let (above2, above1) = s.middleAbove
    let (m0, m1, m2, m3) = s.middle
    let (o0, o1, o2, o3) = s.output
    @inline(__always) func load(_ row: UnsafePointer<Scalar>, _ j: Int) -> Line { loadVector(row, j) }
    @inline(__always) func load(_ row: UnsafeMutablePointer<Scalar>, _ j: Int) -> Line { loadVector(UnsafePointer(row), j) }
    @inline(__always) func update(_ centre: Line, south: Line, north: Line, east: Line, west: Line) -> Line {
        stencilUpdate(centre: centre, south: south, north: north, east: east, west: west, r: r, minusFour: minusFour)
    }
    @inline(__always) func store4(_ v: (Line, Line, Line, Line), _ p: Int) {
        storeVector(v.0, m0, p); storeVector(v.1, m1, p); storeVector(v.2, m2, p); storeVector(v.3, m3, p)
    }

    // Level t at vector p, from level t − 1's west (w), centre (x) and east
    // (e) vectors of rows i … i + 3.
    @inline(__always) func levelT(
        _ p: Int, _ w: (Line, Line, Line, Line), _ x: (Line, Line, Line, Line), _ e: (Line, Line, Line, Line)
    ) -> (Line, Line, Line, Line) {
        let up = load(inNorth, p), down = load(inSouth, p)
        return (update(x.0, south: x.1, north: up, east: e.0, west: w.0),
                update(x.1, south: x.2, north: x.0, east: e.1, west: w.1),
                update(x.2, south: x.3, north: x.1, east: e.2, west: w.2),
                update(x.3, south: down, north: x.2, east: e.3, west: w.3))
    }
    @inline(__always) func inputs(_ p: Int) -> (Line, Line, Line, Line) {
        (load(a0, p), load(a1, p), load(a2, p), load(a3, p))
    }

    // Level t at vectors 0 and 1, stored whole: level t + 1 takes them
    // again at the end, for its vector 0's centre and east neighbours.
    var w = (edges.westOfFirst(a0), edges.westOfFirst(a1), edges.westOfFirst(a2), edges.westOfFirst(a3))
    var x = inputs(0)
    var e = inputs(width)
    var before = levelT(0, w, x, e)
    store4(before, 0)
    w = x; x = e
    e = inputs(2 &* width)
    var centre = levelT(width, w, x, e)
    store4(centre, width)
    w = x; x = e
    // Level t's row i − 1 (from the ring) at the vectors level t + 1 is
    // behind and at, its west and centre.
    var aboveWest = load(above1, 0), aboveCentre = load(above1, width)

    var p = 2 &* width
    while p <= last {
        // Level t at p.
        e = p < last ? inputs(p &+ width)
            : (edges.eastOfLast(a0), edges.eastOfLast(a1), edges.eastOfLast(a2), edges.eastOfLast(a3))
        let fresh = levelT(p, w, x, e)
        storeVector(fresh.2, m2, p)
        storeVector(fresh.3, m3, p)
        if p == last {
            storeVector(fresh.0, m0, p)
            storeVector(fresh.1, m1, p)
        }
        w = x; x = e
        // Level t + 1 at v = p − 1 vector: rows i − 1 … i + 2.
        let v = p &- width
        let aboveEast = load(above1, p)
        storeVector(update(aboveCentre, south: centre.0, north: load(above2, v), east: aboveEast, west: aboveWest), o0, v)
        storeVector(update(centre.0, south: centre.1, north: aboveCentre, east: fresh.0, west: before.0), o1, v)
        storeVector(update(centre.1, south: centre.2, north: centre.0, east: fresh.1, west: before.1), o2, v)
        storeVector(update(centre.2, south: centre.3, north: centre.1, east: fresh.2, west: before.2), o3, v)
        aboveWest = aboveCentre; aboveCentre = aboveEast
        before = centre; centre = fresh
        p &+= width
    }

    // Level t + 1 at the last vector: its east neighbours wrap to level t's
    // vector 0 (stored above), as does the ghost of a periodic row.
    storeVector(update(aboveCentre, south: centre.0, north: load(above2, last),
                       east: edges.eastOfLast(above1), west: aboveWest), o0, last)
    storeVector(update(centre.0, south: centre.1, north: aboveCentre,
                       east: edges.eastOfLast(UnsafePointer(m0)), west: before.0), o1, last)
    storeVector(update(centre.1, south: centre.2, north: centre.0,
                       east: edges.eastOfLast(UnsafePointer(m1)), west: before.1), o2, last)
    storeVector(update(centre.2, south: centre.3, north: centre.1,
                       east: edges.eastOfLast(UnsafePointer(m2)), west: before.2), o3, last)

    // Level t + 1 at vector 0: its west neighbours wrap to level t's last
    // vector, now stored; its centre and east are level t's vectors 0 and 1.
    let top = load(above1, 0)
    let y = (load(m0, 0), load(m1, 0), load(m2, 0), load(m3, 0))
    storeVector(update(top, south: y.0, north: load(above2, 0), east: load(above1, width),
                       west: edges.westOfFirst(above1)), o0, 0)
    storeVector(update(y.0, south: y.1, north: top, east: load(m0, width),
                       west: edges.westOfFirst(UnsafePointer(m0))), o1, 0)
    storeVector(update(y.1, south: y.2, north: y.0, east: load(m1, width),
                       west: edges.westOfFirst(UnsafePointer(m1))), o2, 0)
    storeVector(update(y.2, south: y.3, north: y.1, east: load(m2, width),
                       west: edges.westOfFirst(UnsafePointer(m2))), o3, 0)
}
