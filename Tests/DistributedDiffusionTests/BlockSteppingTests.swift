import DiffuseTestSupport
import DiffusionKit
import DistributedDiffusion
import Testing

/// Deep-halo stepping of blocks, without MPI: the halos are filled from the
/// whole field in memory (what the exchange does across processes), each
/// block's local grid is stepped on its own, and the owned cells must be
/// bitwise equal to the reference's one-grid run.
struct BlockSteppingTests {
    /// Steps `problem` `steps` times as `ranks` blocks with halos `depth` deep.
    static func steppedInBlocks<Scalar: DiffusionScalar>(
        _ problem: Problem, _ initial: Grid<Scalar>, steps: Int, ranks: Int, depth: Int, schedule: any Schedule
    ) throws -> Grid<Scalar> {
        let decomposition = Decomposition(rows: problem.rows, cols: problem.cols, ranks: ranks, periodic: problem.boundary == .periodic)
        try decomposition.validate(haloDepth: depth)
        var field = initial
        for cycle in BlockLayout.cycleLengths(steps: steps, haloDepth: depth, exchanges: decomposition.exchangesAny) {
            var next = field
            for pr in 0 ..< decomposition.processRows {
                for pc in 0 ..< decomposition.processCols {
                    let layout = BlockLayout(decomposition, processRow: pr, processCol: pc, haloDepth: depth)
                    var local = Grid<Scalar>(rows: layout.localRows, cols: layout.localCols)
                    for i in 0 ..< layout.localRows {
                        for j in 0 ..< layout.localCols {
                            let (row, col) = layout.globalCell(localRow: i, localCol: j, gridRows: problem.rows, gridCols: problem.cols)
                            local[i, j] = field[row, col]
                        }
                    }
                    try schedule.run(&local, steps: cycle, problem: layout.localProblem(problem), context: ExecutionContext(threads: 1, machine: TestMachines.zen4))
                    let block = layout.ownedBlock(of: local)
                    for i in 0 ..< layout.ownedRows {
                        for j in 0 ..< layout.ownedCols { next[layout.rows.lowerBound + i, layout.cols.lowerBound + j] = block[i, j] }
                    }
                }
            }
            field = next
        }
        return field
    }

    static func check<Scalar: DiffusionScalar>(_: Scalar.Type, rows: Int, cols: Int, boundary: Boundary, ranks: Int, depth: Int, steps: Int) throws {
        let problem = Problem(rows: rows, cols: cols, dt: 0.2, boundary: boundary, initial: .gaussian(width: 2.5),
                              precision: Scalar.precision)
        let initial = try problem.makeInitialGrid(Scalar.self)
        var expected = initial
        try ReferenceSchedule().run(&expected, steps: steps, problem: problem, context: ExecutionContext(threads: 1, machine: TestMachines.zen4))
        for schedule in [try ScheduleRegistry.named("simd"), try ScheduleRegistry.named("auto")] {
            let got = try steppedInBlocks(problem, initial, steps: steps, ranks: ranks, depth: depth, schedule: schedule)
            #expect(got == expected, "\(rows)×\(cols) \(boundary) \(Scalar.self) P=\(ranks) h=\(depth) \(schedule.descriptor.name)")
        }
    }

    @Test("blocks with deep halos are bitwise equal to one grid: every boundary, P = 1…6, h = 1…4",
          arguments: [Boundary.periodic, .reflecting, .fixed(0.25)])
    func bitwiseEqual(boundary: Boundary) throws {
        for ranks in 1 ... 6 {
            for depth in [1, 2, 4] {
                try Self.check(Double.self, rows: 23, cols: 17, boundary: boundary, ranks: ranks, depth: depth, steps: 9)
            }
        }
        try Self.check(Float.self, rows: 19, cols: 29, boundary: boundary, ranks: 4, depth: 3, steps: 10)
        try Self.check(Float.self, rows: 40, cols: 33, boundary: boundary, ranks: 3, depth: 4, steps: 7)
    }

    @Test("the local problem: same model, periodic stepped as reflecting, halos only where neighbours are")
    func layout() {
        let d = Decomposition(rows: 30, cols: 20, ranks: 4, periodic: false)  // 2×2
        let corner = BlockLayout(d, processRow: 0, processCol: 1, haloDepth: 3)
        #expect(corner.haloNorth == 0 && corner.haloSouth == 3 && corner.haloWest == 3 && corner.haloEast == 0)
        #expect(corner.localRows == 18 && corner.localCols == 13)
        #expect(corner.globalCell(localRow: 0, localCol: 0, gridRows: 30, gridCols: 20) == (0, 7))
        let problem = Problem(rows: 30, cols: 20, boundary: .periodic)
        let wrapped = BlockLayout(Decomposition(rows: 30, cols: 20, ranks: 1, periodic: true), processRow: 0, processCol: 0, haloDepth: 2)
        #expect(wrapped.localProblem(problem).boundary == .reflecting)
        #expect(wrapped.localRows == 34 && wrapped.localCols == 24)
        #expect(wrapped.globalCell(localRow: 0, localCol: 1, gridRows: 30, gridCols: 20) == (28, 19))
    }
}
