/// A general-purpose 3×3 correlation, SciPy `ndimage.correlate`-style: any
/// weights and any boundary mode, both chosen at run time.
///
///     out[i, j] = Σ over (di, dj) in the footprint of  w[di, dj] · in[i + di, j + dj]
///
/// where the footprint is the kernel's nonzero weights, visited in C order
/// (di = −1, 0, 1, and within each, dj = −1, 0, 1), and a cell outside the
/// grid is found through the mode:
///
/// | mode          | `in[i, j]` for a cell outside the grid |
/// |---------------|----------------------------------------|
/// | `wrap`        | the cell (i mod rows, j mod cols)       |
/// | `nearest`     | the nearest cell on the edge            |
/// | `constant(c)` | c                                       |
///
/// As in ndimage, zero weights are dropped from the footprint, the sum is
/// accumulated in `Double` whatever the array's type (so a `Float` array's
/// result is rounded once, at the store), and the cells whose footprint stays
/// inside the grid use precomputed linear offsets while the border cells go
/// through the mode. What generality costs is the lesson: every cell loops
/// over a footprint read from memory and multiplies by weights the compiler
/// never saw — a specialised stencil would do neither.
struct Filter3x3: Sendable {
    /// What a cell beyond the edge holds.
    enum Mode: Sendable, Equatable {
        case wrap
        case nearest
        case constant(Double)
    }

    /// The nonzero weights and their offsets (di, dj), in C order.
    let weights: [Double]
    let rowOffsets: [Int]
    let columnOffsets: [Int]
    let mode: Mode

    /// A filter with the 3×3 `weights` (`weights[di + 1][dj + 1]` is the
    /// weight of cell (i + di, j + dj)) and the boundary `mode`.
    ///
    /// - Precondition: `weights` is 3 rows of 3 finite numbers.
    init(weights kernel: [[Double]], mode: Mode) {
        precondition(kernel.count == 3 && kernel.allSatisfy { $0.count == 3 }, "a 3×3 kernel")
        precondition(kernel.joined().allSatisfy(\.isFinite), "finite weights")
        var weights: [Double] = [], rowOffsets: [Int] = [], columnOffsets: [Int] = []
        weights.reserveCapacity(9)
        rowOffsets.reserveCapacity(9)
        columnOffsets.reserveCapacity(9)
        for di in -1 ... 1 {
            for dj in -1 ... 1 where kernel[di + 1][dj + 1] != 0 {
                weights.append(kernel[di + 1][dj + 1])
                rowOffsets.append(di)
                columnOffsets.append(dj)
            }
        }
        self.weights = weights
        self.rowOffsets = rowOffsets
        self.columnOffsets = columnOffsets
        self.mode = mode
    }

    /// `out = correlate(input, weights, mode)` for a rows × cols `input`.
    ///
    /// `@inline(never)` keeps this one general routine, compiled without
    /// knowing the weights, so that no caller's constants leak into it — the
    /// point of the rung. `@_specialize` for the reason in `ArrayOperations`.
    ///
    /// - Precondition: `input` and `out` hold rows × cols cells and do not overlap.
    @inline(never)
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    func correlate<Scalar: DiffusionScalar>(
        _ input: UnsafeBufferPointer<Scalar>, rows: Int, cols: Int, into out: UnsafeMutableBufferPointer<Scalar>
    ) {
        precondition(input.count == rows * cols && out.count == rows * cols, "arrays of different sizes")
        let x = input.baseAddress!, z = out.baseAddress!
        let points = weights.count
        // The linear offsets of the footprint, for cells whose neighbours all
        // lie inside. They depend on `cols`, so they are made per call — on
        // the stack, so that a call allocates nothing.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: points) { offsets in
            for p in 0 ..< points { offsets[p] = rowOffsets[p] * cols + columnOffsets[p] }
            weights.withUnsafeBufferPointer { w in
                rowOffsets.withUnsafeBufferPointer { di in
                    columnOffsets.withUnsafeBufferPointer { dj in
                        /// A border cell: each footprint point through the mode.
                        func border(_ i: Int, _ j: Int) {
                            var sum = 0.0
                            for p in 0 ..< points {
                                sum += value(x, i + di[p], j + dj[p], rows: rows, cols: cols) * w[p]
                            }
                            z[i * cols + j] = Scalar(sum)
                        }
                        for i in 0 ..< rows {
                            guard i > 0 && i < rows - 1 else {
                                for j in 0 ..< cols { border(i, j) }
                                continue
                            }
                            border(i, 0)
                            for j in 1 ..< cols - 1 {
                                let centre = i * cols + j
                                var sum = 0.0
                                for p in 0 ..< points { sum += Double(x[centre + offsets[p]]) * w[p] }
                                z[centre] = Scalar(sum)
                            }
                            border(i, cols - 1)
                        }
                    }
                }
            }
        }
    }

    /// The input's value at (i, j), which may lie one cell outside the grid.
    @inline(__always)
    private func value<Scalar: DiffusionScalar>(_ x: UnsafePointer<Scalar>, _ i: Int, _ j: Int, rows: Int, cols: Int) -> Double {
        switch mode {
        case .wrap:
            return Double(x[((i + rows) % rows) * cols + (j + cols) % cols])
        case .nearest:
            return Double(x[min(max(i, 0), rows - 1) * cols + min(max(j, 0), cols - 1)])
        case .constant(let c):
            guard i >= 0 && i < rows && j >= 0 && j < cols else { return c }
            return Double(x[i * cols + j])
        }
    }
}
