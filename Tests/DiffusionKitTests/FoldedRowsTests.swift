import DiffuseTestSupport
@testable import DiffusionKit
import Hardware
import Testing

/// Folded rows (`FoldedRows`) and `temporal`'s sweeps on them
/// (`FoldedKernel`): the layout cell by cell, the plan's choice from the
/// machine's facts, and results bit-identical to the reference at every
/// vector width, on every boundary, with pairs of levels and single ones.
@Suite("Folded rows")
struct FoldedRowsTests {
    @Test("lane l of vector q holds column l·Q + q, and unfold inverts fold")
    func layout() {
        // The type's example: 16 cells, 4 lanes, 4 vectors.
        let row = (0 ..< 16).map(Double.init)
        var folded = [Double](repeating: -1, count: 16)
        row.withUnsafeBufferPointer { from in
            folded.withUnsafeMutableBufferPointer { to in
                FoldedRows.fold(rows: 0 ..< 1, of: from.baseAddress!, into: to.baseAddress!, cols: 16, lanes: 4)
            }
        }
        #expect(folded == [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15])
        for column in 0 ..< 16 {
            #expect(folded[FoldedRows.index(ofColumn: column, cols: 16, lanes: 4)] == Double(column))
        }

        // Three rows of 24 cells in 8 lanes; only the rows asked for move.
        let grid = (0 ..< 72).map { Double($0) * 0.5 }
        var there = [Double](repeating: 0, count: 72), back = [Double](repeating: -1, count: 72)
        grid.withUnsafeBufferPointer { source in
            there.withUnsafeMutableBufferPointer { middle in
                FoldedRows.fold(rows: 1 ..< 3, of: source.baseAddress!, into: middle.baseAddress!, cols: 24, lanes: 8)
                back.withUnsafeMutableBufferPointer { target in
                    FoldedRows.unfold(rows: 1 ..< 3, of: UnsafePointer(middle.baseAddress!), into: target.baseAddress!,
                                      cols: 24, lanes: 8)
                }
            }
        }
        #expect(Array(back[24...]) == Array(grid[24...]))
        #expect(back[..<24].allSatisfy { $0 == -1 })
        #expect(there[24 + 1] == grid[24 + 3], "row 1, vector 0, lane 1: column 1·3 + 0")
    }

    @Test("ghosts beyond a folded row's ends follow the boundary rule")
    func ghosts() {
        // Columns 0 … 7 folded in 2 lanes: (0, 4), (1, 5), (2, 6), (3, 7).
        let folded: [Double] = [0, 4, 1, 5, 2, 6, 3, 7]
        folded.withUnsafeBufferPointer { row in
            func ghost(_ index: Int, _ boundary: Boundary) -> Double {
                FoldedRows.ghost(beyond: index, of: row.baseAddress!, cols: 8, lanes: 2, boundary: boundary, fixedValue: 9)
            }
            #expect(ghost(-1, .periodic) == 7 && ghost(8, .periodic) == 0)
            #expect(ghost(-1, .reflecting) == 0 && ghost(8, .reflecting) == 7)
            #expect(ghost(-1, .fixed(9)) == 9 && ghost(8, .fixed(9)) == 9)
        }
    }

    @Test("the plan folds whole rows on 32- and 64-byte vectors by rule, on 16 when told, never tiles or odd widths")
    func planChoice() {
        func plan(_ machine: MachineDescription, rows: Int = 640, cols: Int = 640, scalarBytes: Int = 8,
                  steps: Int = 500, depth: Int? = nil, tileWidth: Int? = nil, folded: Bool? = nil) -> TemporalPlan {
            TemporalPlan(rows: rows, cols: cols, scalarBytes: scalarBytes, steps: steps,
                         context: ExecutionContext(threads: 2, machine: machine),
                         depth: depth, tileWidth: tileWidth, folded: folded)
        }
        let seed = plan(TestMachines.zen4)
        #expect(seed.folded && seed.foldable && !seed.isTiled && seed.depth == 8)
        #expect(plan(TestMachines.zen4, scalarBytes: 4).folded, "Float: 640 = 40 vectors of 16 lanes")
        #expect(!plan(TestMachines.zen4, folded: false).folded)
        // AVX2: folded by rule, unfolded when told. NEON (16-byte vectors):
        // foldable, not folded unless asked.
        let avx2 = plan(TestMachines.zen3)
        #expect(avx2.foldable && avx2.folded)
        // Levels in pairs only where the pair kernel's 31 vectors fit the registers.
        #expect(seed.pairsLevels && !avx2.pairsLevels)
        #expect(!plan(TestMachines.appleM, folded: true).pairsLevels && !plan(TestMachines.zen4, folded: false).pairsLevels)
        #expect(!plan(TestMachines.zen3, folded: false).folded)
        #expect(!plan(TestMachines.appleM).folded && plan(TestMachines.appleM, folded: true).folded)
        // Widths that do not fold, tiles, and one step per sweep keep rows as they are.
        #expect(!plan(TestMachines.zen4, cols: 644).foldable, "644 is not a multiple of 8")
        #expect(!plan(TestMachines.zen4, cols: 24).foldable, "3 vectors of 8: under the minimum of 4")
        #expect(!plan(TestMachines.zen4, rows: 4096, cols: 4096, steps: 50, folded: true).folded, "tiled")
        #expect(!plan(TestMachines.zen4, depth: 1, folded: true).folded, "one step per sweep")
        #expect(!plan(TestMachines.zen4, steps: 1).folded, "one step")
    }

    /// Machines that force each vector width, with rows folded by request:
    /// levels in pairs on 64 bytes, one at a time on 32 and 16
    /// (`TemporalSchedule.pairsFoldedLevels`).
    static let widths = [64, 32, 16]
    /// 2 is one pair; odd depths leave the last level without a partner; 8
    /// is deeper than the 13-row grid's bands of 6 and 7 rows (halos from
    /// the other band, and past the grid's edge).
    static let depths = [2, 3, 5, 8]

    @Test("folded temporal sweeps match the reference bit for bit", arguments: widths)
    func bitIdentical(vectorBytes: Int) throws {
        let machine = MachineDescription(cpuModel: "test", cores: 2, vectorBytes: vectorBytes)
        // 64 columns: 4 vectors of 16 Float lanes, the fewest that fold;
        // 96 rows of 96 columns: bands of 48 rows, strips that end short.
        for (rows, cols) in [(13, 64), (96, 96), (35, 128)] {
            for boundary in [Boundary.periodic, .reflecting, .fixed(0.75)] {
                let problem = Problem(rows: rows, cols: cols, dt: 0.24, boundary: boundary)
                try check(Double.self, problem, machine)
                var float = problem
                float.precision = .float
                try check(Float.self, float, machine)
            }
        }
    }

    private func check<Scalar: DiffusionScalar>(_: Scalar.Type, _ problem: Problem, _ machine: MachineDescription) throws {
        let initial = FastScheduleTests.randomField(Scalar.self, rows: problem.rows, cols: problem.cols,
                                                    seed: UInt64(problem.rows * 31 + problem.cols))
        let steps = 17
        var expected = initial
        try ReferenceSchedule().run(&expected, steps: steps, problem: problem)
        for depth in Self.depths {
            for threads in [1, 2] {
                let context = ExecutionContext(threads: threads, machine: machine)
                let plan = TemporalPlan(rows: problem.rows, cols: problem.cols, scalarBytes: MemoryLayout<Scalar>.stride,
                                        steps: steps, context: context, depth: depth, folded: true)
                // Not a test of the unfolded path by accident.
                #expect(plan.folded, "\(problem.rows)×\(problem.cols) at depth \(depth) should fold")
                var grid = initial
                try TemporalSchedule(depth: depth, tileWidth: nil, folded: true)
                    .run(&grid, steps: steps, problem: problem, context: context)
                #expect(grid == expected, """
                    folded, \(problem.rows)×\(problem.cols) \(problem.boundary) \(Scalar.self), depth \(depth), \
                    \(threads) thread(s), \(machine.vectorBytes)-byte vectors: \
                    max difference \(FieldComparison.maxAbsDifference(grid, expected))
                    """)
            }
        }
    }
}
