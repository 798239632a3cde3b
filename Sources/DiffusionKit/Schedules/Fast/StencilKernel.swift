/// The vector kernel shared by the fast schedules (`simd`, `parallel`,
/// `temporal`): the update of a strip of up to four adjacent rows over a range
/// of columns, in the reference's exact order of operations,
///
///     u' = u + r · ((((S + N) + E) + W) − 4·u),
///
/// so every schedule built on it is bit-identical to `ReferenceSchedule`.
///
/// ## Why it is fast
///
/// - One vector of the build's width per step along a row (`StencilLine`; on
///   AVX-512 `SIMD8<Double>`, `SIMD16<Float>`:
///   one cache line, one AVX-512 register).
/// - Vertical reuse: the rows of a strip are computed together, so each input
///   row is loaded once per column step and serves as the centre of its own
///   row, the south neighbour of the row above and the north neighbour of the
///   row below. A strip of k rows loads k + 2 vectors per column step instead
///   of 5k.
/// - Horizontal reuse: the east and west neighbours are not loaded again at
///   ±1 cell (unaligned loads that straddle two cache lines); they are shuffled
///   out of the centre vector and the next one (`vpermt2pd`), which are in
///   registers anyway.
/// - `S + N + E + W − 4u` ends with one fused multiply-add, fma(−4, u, sum).
///   That is exact, not a reassociation: 4·u is a power-of-two scaling and
///   therefore exact (for |u| below a quarter of the largest finite value), so
///   rounding sum − 4u once is what the reference computes. `u + r·lap` is
///   *not* fused: that would drop a rounding and change the result.
///
/// Measured on the 2-core Zen 4 (one core, 64 × 640 Double grid in L2):
/// 5.4 G cell updates/s, about 1.5 per cycle at 3.55 GHz; a one-row loop with
/// unaligned neighbour loads (load-port bound) reached 3.1 G/s. Moving the
/// S + N addition onto the FMA pipes (fma(S, 1, N), also exact) did not help:
/// the loop is not bound by the two FP-add pipes alone but by adds, shuffles
/// and loads together.
///
/// ## Edges
///
/// A strip covers `count` columns starting at the given pointers. What lies
/// beyond its first and last column is a `ColumnEdge`: cells readable in
/// memory (`inMemory`, used for inner tiles) or the grid's edge under a
/// boundary rule. The edge vectors get their missing neighbour by shifting
/// the ghost value (the other end of the row, the edge cell, or V) into the
/// centre vector, so the loop never tests a cell for being on the edge and a
/// row costs no scalar work (scalar edge cells cost 12 % on 640-cell rows).
/// The ragged end of a row is one more vector that overlaps the previous one
/// (recomputing a few cells to the same values: input and output never
/// alias). Segments narrower than one vector are done cell by cell.
///
/// ## Why a protocol
///
/// The schedules are generic over the scalar and forward from their concrete
/// `advance` methods to a generic in their own file. They reach this kernel
/// through `StencilScalar`'s requirements, whose witnesses are concrete
/// `Double` and `Float` functions in this file: the generic kernel below is
/// specialised here, once per precision, whatever the build mode (the package's
/// debug builds compile file by file and do not specialise across files). One
/// call per strip of up to 4 rows costs nothing next to the strip's work.
/// The kernels of folded rows (`FoldedKernel.swift`) are reached the same way.
protocol StencilScalar: DiffusionScalar {
    /// One step of the rows of `strip`, with vectors of `strip.vectorBytes`.
    static func updateStrip(_ strip: StencilStrip<Self>)

    /// One step of rows `band` of a whole grid from `source` into `target`,
    /// with the boundary rule `edges` (see `stepBand`), with vectors of
    /// `edges.vectorBytes`.
    static func updateBand(
        source: UnsafePointer<Self>, target: UnsafeMutablePointer<Self>,
        rows: Int, cols: Int, band: Range<Int>, edges: GridEdges<Self>)

    /// One step of the folded rows of `strip` (`FoldedKernel.swift`; its
    /// witnesses are there).
    static func updateFoldedStrip(_ strip: FoldedStrip<Self>)

    /// Two steps of four folded rows in one pass (`FoldedKernel.swift`).
    static func updateFoldedPair(_ pair: FoldedPair<Self>)
}

/// A vector the kernel can step with: a `SIMD` of a `StencilScalar`, with
/// the two shifts that give a vector's east and west neighbours.
///
/// The kernel is generic over it, so that it runs with the vectors the build
/// targets (`MachineDescription.vectorBytes`): 64 bytes on AVX-512 (one
/// register, one cache line), 32 on AVX2, 16 on SSE2 and NEON. A 64-byte
/// vector on an AVX2 build would be two registers per value: the strip's
/// twelve live vectors would need 24 of AVX2's 16 registers and spill, and
/// each shift would cross two registers.
protocol StencilLine: SIMD where Scalar: StencilScalar {
    /// `(previous[last], current[0], …, current[last − 1])`: the west neighbours
    /// of `current`'s cells.
    static func westShift(_ previous: Self, _ current: Self) -> Self

    /// `(current[1], …, current[last], next[0])`: the east neighbours.
    static func eastShift(_ current: Self, _ next: Self) -> Self
}

extension SIMD8: StencilLine where Scalar: StencilScalar {
    @inline(__always)
    static func westShift(_ p: Self, _ c: Self) -> Self { Self(p[7], c[0], c[1], c[2], c[3], c[4], c[5], c[6]) }

    @inline(__always)
    static func eastShift(_ c: Self, _ n: Self) -> Self { Self(c[1], c[2], c[3], c[4], c[5], c[6], c[7], n[0]) }
}

extension SIMD4: StencilLine where Scalar: StencilScalar {
    @inline(__always)
    static func westShift(_ p: Self, _ c: Self) -> Self { Self(p[3], c[0], c[1], c[2]) }

    @inline(__always)
    static func eastShift(_ c: Self, _ n: Self) -> Self { Self(c[1], c[2], c[3], n[0]) }
}

extension SIMD2: StencilLine where Scalar: StencilScalar {
    @inline(__always)
    static func westShift(_ p: Self, _ c: Self) -> Self { Self(p[1], c[0]) }

    @inline(__always)
    static func eastShift(_ c: Self, _ n: Self) -> Self { Self(c[1], n[0]) }
}

extension SIMD16: StencilLine where Scalar: StencilScalar {
    @inline(__always)
    static func westShift(_ p: Self, _ c: Self) -> Self {
        Self(p[15], c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14])
    }

    @inline(__always)
    static func eastShift(_ c: Self, _ n: Self) -> Self {
        Self(c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15], n[0])
    }
}

/// The kernel's vector width for a machine's `vectorBytes`: 64 from 64 up,
/// 32 from 32, else 16 (which every 64-bit x86 and Arm CPU has).
@inline(__always)
func kernelVectorBytes(_ vectorBytes: Int) -> Int {
    vectorBytes >= 64 ? 64 : vectorBytes >= 32 ? 32 : 16
}

/// What lies beyond the first or the last column of a row segment.
enum ColumnEdge: Sendable {
    /// The neighbour is in memory, one cell beyond the segment (an inner tile).
    case inMemory
    /// The segment is a whole row and ends at the grid's edge: the neighbour
    /// is what the boundary rule puts there (`Boundary.value(_:of:count:fixedValue:)`).
    case boundary
}

/// Up to four adjacent rows to advance by one step.
///
/// `north` is the row above `centre.0`, `south` the row below the last centre
/// row; all pointers point at the strip's first column. Output rows must not
/// overlap input rows.
struct StencilStrip<Scalar: StencilScalar> {
    typealias Row = UnsafePointer<Scalar>
    typealias OutputRow = UnsafeMutablePointer<Scalar>

    /// Rows in the strip, 1…4; the unused members of `centre` and `output` are ignored.
    var rows: Int
    var north: Row
    var centre: (Row, Row, Row, Row)
    var south: Row
    var output: (OutputRow, OutputRow, OutputRow, OutputRow)
    /// Columns in the segment.
    var count: Int
    var west: ColumnEdge
    var east: ColumnEdge
    /// The rule at a `.boundary` edge.
    var boundary: Boundary
    /// r = D·dt/dx² in this precision.
    var coefficient: Scalar
    /// V of a fixed boundary (unused otherwise).
    var fixedValue: Scalar
    /// Bytes of the vectors to step with (`kernelVectorBytes`).
    var vectorBytes: Int
}

/// The boundary rule of a whole grid as the band kernels need it.
struct GridEdges<Scalar: StencilScalar> {
    var boundary: Boundary
    var coefficient: Scalar
    var fixedValue: Scalar
    /// A row of `fixedValue`s, `cols` long: the north neighbour of row 0 and
    /// the south neighbour of the last row under `fixed`. Unused otherwise.
    var ghostRow: UnsafePointer<Scalar>?
    /// Bytes of the vectors to step with: the machine's (`MachineDescription.vectorBytes`).
    var vectorBytes: Int

    /// Row `index` (−1 ≤ index ≤ rows) of the grid at `base`, the rows beyond
    /// its edges by the boundary rule (`Boundary.row(_:of:rows:cols:ghostRow:)`).
    @inline(__always)
    func row(_ index: Int, of base: UnsafePointer<Scalar>, rows: Int, cols: Int) -> UnsafePointer<Scalar> {
        boundary.row(index, of: base, rows: rows, cols: cols, ghostRow: ghostRow)
    }
}

extension Double: StencilScalar {
    static func updateStrip(_ strip: StencilStrip<Double>) {
        switch kernelVectorBytes(strip.vectorBytes) {
        case 64: stencilStrip(strip, SIMD8<Double>.self)
        case 32: stencilStrip(strip, SIMD4<Double>.self)
        default: stencilStrip(strip, SIMD2<Double>.self)
        }
    }

    static func updateBand(
        source: UnsafePointer<Double>, target: UnsafeMutablePointer<Double>,
        rows: Int, cols: Int, band: Range<Int>, edges: GridEdges<Double>
    ) {
        switch kernelVectorBytes(edges.vectorBytes) {
        case 64: stepBand(source: source, target: target, rows: rows, cols: cols, band: band, edges: edges, SIMD8<Double>.self)
        case 32: stepBand(source: source, target: target, rows: rows, cols: cols, band: band, edges: edges, SIMD4<Double>.self)
        default: stepBand(source: source, target: target, rows: rows, cols: cols, band: band, edges: edges, SIMD2<Double>.self)
        }
    }
}

extension Float: StencilScalar {
    static func updateStrip(_ strip: StencilStrip<Float>) {
        switch kernelVectorBytes(strip.vectorBytes) {
        case 64: stencilStrip(strip, SIMD16<Float>.self)
        case 32: stencilStrip(strip, SIMD8<Float>.self)
        default: stencilStrip(strip, SIMD4<Float>.self)
        }
    }

    static func updateBand(
        source: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>,
        rows: Int, cols: Int, band: Range<Int>, edges: GridEdges<Float>
    ) {
        switch kernelVectorBytes(edges.vectorBytes) {
        case 64: stepBand(source: source, target: target, rows: rows, cols: cols, band: band, edges: edges, SIMD16<Float>.self)
        case 32: stepBand(source: source, target: target, rows: rows, cols: cols, band: band, edges: edges, SIMD8<Float>.self)
        default: stepBand(source: source, target: target, rows: rows, cols: cols, band: band, edges: edges, SIMD4<Float>.self)
        }
    }
}

// MARK: - One step of a band of a whole grid

/// One step of rows `band` of a `rows × cols` grid, `source` → `target`, in
/// strips of four rows; the rows above the first and below the last come from
/// the boundary rule when they fall outside the grid.
///
/// Memory traffic per update: one read of the source cell (each source row is
/// read once per strip, plus the strip's two neighbour rows: (k + 2)/k reads
/// for k = 4) and one write of the target cell.
@inline(__always)
private func stepBand<Scalar: StencilScalar, Line: StencilLine>(
    source: UnsafePointer<Scalar>, target: UnsafeMutablePointer<Scalar>,
    rows: Int, cols: Int, band: Range<Int>, edges: GridEdges<Scalar>, _ line: Line.Type
) where Line.Scalar == Scalar {
    @inline(__always) func row(_ i: Int) -> UnsafePointer<Scalar> {
        edges.row(i, of: source, rows: rows, cols: cols)
    }
    var i = band.lowerBound
    while i < band.upperBound {
        let k = min(4, band.upperBound - i)
        let c0 = row(i), c1 = k > 1 ? row(i + 1) : c0, c2 = k > 2 ? row(i + 2) : c0, c3 = k > 3 ? row(i + 3) : c0
        let o0 = target + i &* cols
        let strip = StencilStrip(
            rows: k, north: row(i - 1), centre: (c0, c1, c2, c3), south: row(i + k),
            // Rows beyond the strip are not formed: they may lie past the grid.
            output: (o0, k > 1 ? o0 + cols : o0, k > 2 ? o0 + 2 &* cols : o0, k > 3 ? o0 + 3 &* cols : o0),
            count: cols, west: .boundary, east: .boundary, boundary: edges.boundary,
            coefficient: edges.coefficient, fixedValue: edges.fixedValue, vectorBytes: edges.vectorBytes)
        stencilStrip(strip, line)
        i &+= k
    }
}

// MARK: - The strip kernel

@inline(__always)
private func stencilStrip<Scalar: StencilScalar, Line: StencilLine>(_ strip: StencilStrip<Scalar>, _ line: Line.Type)
where Line.Scalar == Scalar {
    switch strip.rows {
    case 4: stripRows(strip, 4, line)
    case 3: stripRows(strip, 3, line)
    case 2: stripRows(strip, 2, line)
    default: stripRows(strip, 1, line)
    }
}

/// The strip with its row count `k` a constant after inlining, so that the
/// row loop below is unrolled and its vectors stay in registers.
@inline(__always)
private func stripRows<Scalar: StencilScalar, Line: StencilLine>(_ s: StencilStrip<Scalar>, _ k: Int, _ line: Line.Type)
where Line.Scalar == Scalar {
    if s.count >= Line.scalarCount {
        vectorColumns(s, k, line)
    } else {
        scalarColumns(s, k, from: 0, to: s.count)
    }
}

/// What lies west of the first cell of `row`, under the strip's rule.
@inline(__always)
private func westGhost<Scalar: StencilScalar>(_ s: StencilStrip<Scalar>, _ row: UnsafePointer<Scalar>) -> Scalar {
    switch s.west {
    case .inMemory: row[-1]
    case .boundary: s.boundary.value(-1, of: row, count: s.count, fixedValue: s.fixedValue)
    }
}

/// What lies east of the last cell of `row`, under the strip's rule.
@inline(__always)
private func eastGhost<Scalar: StencilScalar>(_ s: StencilStrip<Scalar>, _ row: UnsafePointer<Scalar>) -> Scalar {
    switch s.east {
    case .inMemory: row[s.count]
    case .boundary: s.boundary.value(s.count, of: row, count: s.count, fixedValue: s.fixedValue)
    }
}

@inline(__always)
func loadVector<Line: StencilLine>(_ p: UnsafePointer<Line.Scalar>, _ j: Int) -> Line {
    UnsafeRawPointer(p + j).loadUnaligned(as: Line.self)
}

@inline(__always)
func storeVector<Line: StencilLine>(_ v: Line, _ p: UnsafeMutablePointer<Line.Scalar>, _ j: Int) {
    UnsafeMutableRawPointer(p + j).storeBytes(of: v, as: Line.self)
}

/// The update of one vector of cells, in the reference's order: every
/// kernel (`StencilKernel`, `FoldedKernel`) computes a cell with this one
/// expression, so that all are bit-identical to the reference.
@inline(__always)
func stencilUpdate<Line: SIMD>(
    centre u: Line, south: Line, north: Line, east: Line, west: Line, r: Line, minusFour: Line
) -> Line where Line.Scalar: FloatingPoint {
    // fma(−4, u, sum) rounds sum − 4u once, exactly as the reference's
    // `sum - 4 * u` does (4u is exact); see the type's comment.
    let laplacian = (((south + north) + east) + west).addingProduct(minusFour, u)
    return u + r * laplacian
}

/// All columns (at least one vector's worth) of every row of the strip.
///
/// The edge cells are vectorised too: the first vector's west neighbours
/// are the centre vector shifted by one with the west ghost value shifted in,
/// the last vector's east neighbours likewise, so a whole row costs no scalar
/// work at all (on 640-cell rows, scalar edge cells cost about 10 %).
@inline(__always)
private func vectorColumns<Scalar: StencilScalar, Line: StencilLine>(_ s: StencilStrip<Scalar>, _ k: Int, _: Line.Type)
where Line.Scalar == Scalar {
    let width = Line.scalarCount
    @inline(__always) func loadLine(_ row: UnsafePointer<Scalar>, _ j: Int) -> Line { loadVector(row, j) }
    let count = s.count
    let r = Line(repeating: s.coefficient), minusFour = Line(repeating: -4)
    let (c0, c1, c2, c3) = s.centre
    let (o0, o1, o2, o3) = s.output
    let north = s.north, south = s.south
    let westInMemory = s.west == .inMemory, eastInMemory = s.east == .inMemory
    // The last cell that may be read: the east neighbour of the last cell
    // when it is in memory, else the last cell itself.
    let lastReadable = eastInMemory ? count : count &- 1

    @inline(__always) func westOfFirst(_ row: UnsafePointer<Scalar>, _ centre: Line) -> Line {
        westInMemory ? loadLine(row, -1) : Line.westShift(Line(repeating: westGhost(s, row)), centre)
    }
    @inline(__always) func west(_ row: UnsafePointer<Scalar>, _ q: Int, _ centre: Line) -> Line {
        q > 0 || westInMemory ? loadLine(row, q &- 1) : Line.westShift(Line(repeating: westGhost(s, row)), centre)
    }
    @inline(__always) func east(_ row: UnsafePointer<Scalar>, _ q: Int, _ centre: Line) -> Line {
        q &+ width < count || eastInMemory ? loadLine(row, q &+ 1) : Line.eastShift(centre, Line(repeating: eastGhost(s, row)))
    }

    // Steady state: the centre vectors at p and p + width are in registers,
    // and the east and west neighbours are shuffled out of them. Each centre
    // vector is also the north neighbour of the row below and the south
    // neighbour of the row above.
    var p = 0
    var x0 = loadLine(c0, 0), x1 = k > 1 ? loadLine(c1, 0) : x0
    var x2 = k > 2 ? loadLine(c2, 0) : x0, x3 = k > 3 ? loadLine(c3, 0) : x0
    var w0 = westOfFirst(c0, x0), w1 = k > 1 ? westOfFirst(c1, x1) : x0
    var w2 = k > 2 ? westOfFirst(c2, x2) : x0, w3 = k > 3 ? westOfFirst(c3, x3) : x0
    // The next vector, [p + width, p + 2·width), must be readable.
    while p &+ 2 &* width <= lastReadable &+ 1 {
        let up = loadLine(north, p), down = loadLine(south, p)
        let y0 = loadLine(c0, p &+ width)
        let y1 = k > 1 ? loadLine(c1, p &+ width) : y0
        let y2 = k > 2 ? loadLine(c2, p &+ width) : y0
        let y3 = k > 3 ? loadLine(c3, p &+ width) : y0
        storeVector(stencilUpdate(centre: x0, south: k > 1 ? x1 : down, north: up,
                     east: Line.eastShift(x0, y0), west: w0, r: r, minusFour: minusFour), o0, p)
        if k > 1 {
            storeVector(stencilUpdate(centre: x1, south: k > 2 ? x2 : down, north: x0,
                         east: Line.eastShift(x1, y1), west: w1, r: r, minusFour: minusFour), o1, p)
        }
        if k > 2 {
            storeVector(stencilUpdate(centre: x2, south: k > 3 ? x3 : down, north: x1,
                         east: Line.eastShift(x2, y2), west: w2, r: r, minusFour: minusFour), o2, p)
        }
        if k > 3 {
            storeVector(stencilUpdate(centre: x3, south: down, north: x2,
                         east: Line.eastShift(x3, y3), west: w3, r: r, minusFour: minusFour), o3, p)
        }
        w0 = Line.westShift(x0, y0)
        x0 = y0
        if k > 1 { w1 = Line.westShift(x1, y1); x1 = y1 }
        if k > 2 { w2 = Line.westShift(x2, y2); x2 = y2 }
        if k > 3 { w3 = Line.westShift(x3, y3); x3 = y3 }
        p &+= width
    }
    // The ragged end: at most two vectors, the last one ending exactly at
    // the last cell and overlapping its predecessor (recomputing a few cells
    // to the same values); neighbours by unaligned loads, or from the ghost
    // values at the segment's edges.
    while p < count {
        let q = min(p, count &- width)
        let up = loadLine(north, q), down = loadLine(south, q)
        let a0 = loadLine(c0, q), a1 = k > 1 ? loadLine(c1, q) : a0
        let a2 = k > 2 ? loadLine(c2, q) : a0, a3 = k > 3 ? loadLine(c3, q) : a0
        storeVector(stencilUpdate(centre: a0, south: k > 1 ? a1 : down, north: up,
                     east: east(c0, q, a0), west: west(c0, q, a0), r: r, minusFour: minusFour), o0, q)
        if k > 1 {
            storeVector(stencilUpdate(centre: a1, south: k > 2 ? a2 : down, north: a0,
                         east: east(c1, q, a1), west: west(c1, q, a1), r: r, minusFour: minusFour), o1, q)
        }
        if k > 2 {
            storeVector(stencilUpdate(centre: a2, south: k > 3 ? a3 : down, north: a1,
                         east: east(c2, q, a2), west: west(c2, q, a2), r: r, minusFour: minusFour), o2, q)
        }
        if k > 3 {
            storeVector(stencilUpdate(centre: a3, south: down, north: a2,
                         east: east(c3, q, a3), west: west(c3, q, a3), r: r, minusFour: minusFour), o3, q)
        }
        p = q &+ width
    }
}

/// Columns [from, to) of every row of the strip, one cell at a time, with the
/// boundary rule for the cells on the segment's edges.
@inline(__always)
private func scalarColumns<Scalar: StencilScalar>(
    _ s: StencilStrip<Scalar>, _ k: Int, from first: Int, to end: Int
) {
    let count = s.count
    let r = s.coefficient
    @inline(__always) func centre(_ i: Int) -> UnsafePointer<Scalar> {
        switch i {
        case 0: s.centre.0
        case 1: s.centre.1
        case 2: s.centre.2
        default: s.centre.3
        }
    }
    @inline(__always) func output(_ i: Int) -> UnsafeMutablePointer<Scalar> {
        switch i {
        case 0: s.output.0
        case 1: s.output.1
        case 2: s.output.2
        default: s.output.3
        }
    }
    for i in 0 ..< k {
        let row = centre(i), out = output(i)
        let north = i == 0 ? s.north : centre(i - 1)
        let south = i == k - 1 ? s.south : centre(i + 1)
        let westGhost = westGhost(s, row)
        let eastGhost = eastGhost(s, row)
        for j in first ..< end {
            let u = row[j]
            let west = j == 0 ? westGhost : row[j - 1]
            let east = j == count - 1 ? eastGhost : row[j + 1]
            let laplacian = south[j] + north[j] + east + west - 4 * u
            out[j] = u + r * laplacian
        }
    }
}
