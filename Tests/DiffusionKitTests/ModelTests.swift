import DiffusionKit
import Testing

@Suite("The model")
struct ModelTests {
    @Test("boundaries parse as users type them", arguments: [
        ("periodic", Boundary.periodic), ("reflecting", .reflecting), ("fixed", .fixed(0)),
        ("fixed=1.5", .fixed(1.5)), ("fixed=-2e-3", .fixed(-0.002)), ("FIXED=0x1p-2", .fixed(0.25)),
    ])
    func boundaryParsing(text: String, expected: Boundary) throws {
        #expect(try Boundary(parsing: text) == expected)
        #expect(try Boundary(parsing: expected.description) == expected)
    }

    @Test("bad boundaries are refused, naming what is accepted", arguments: ["wall", "fixed=", "fixed=abc", "fixed=nan", "fixed=inf", ""])
    func badBoundary(text: String) {
        #expect {
            _ = try Boundary(parsing: text)
        } throws: { error in
            let message = String(describing: error)
            return message.contains("'") && (message.contains("periodic, reflecting") || message.contains("fixed=V"))
        }
    }

    @Test("initial conditions parse", arguments: [
        ("block", InitialCondition.block), ("gaussian", .gaussian(width: nil)), ("gaussian=2.5", .gaussian(width: 2.5)),
        ("point", .point), ("file:/tmp/a b.npy", .file(path: "/tmp/a b.npy")),
    ])
    func initialParsing(text: String, expected: InitialCondition) throws {
        #expect(try InitialCondition(parsing: text) == expected)
        #expect(try InitialCondition(parsing: expected.description) == expected)
    }

    @Test("bad initial conditions are refused", arguments: ["blob", "file:", "gaussian=0", "gaussian=-1", "gaussian=x"])
    func badInitial(text: String) {
        #expect(throws: DiffusionError.self) { _ = try InitialCondition(parsing: text) }
    }

    @Test("the block's bounds are Python's int(n*.4) and int(n*.5)")
    func blockBounds() {
        #expect(InitialCondition.blockRange(640) == 256 ..< 320)
        #expect(InitialCondition.blockRange(10) == 4 ..< 5)
        #expect(InitialCondition.blockRange(3) == 1 ..< 1)  // empty: int(1.2) = int(1.5) = 1
        // 0.4 * 5 rounds to exactly 2.0 in binary64; Python agrees: int(5*.4) == 2.
        #expect(InitialCondition.blockRange(5) == 2 ..< 2)
        #expect(InitialCondition.blockRange(333) == 133 ..< 166)
        #expect(InitialCondition.blockRange(517) == 206 ..< 258)
    }

    @Test("the seed's block holds 0.005 on 64×64 cells, mass 20.48")
    func seedBlock() throws {
        let grid = try Problem.seed.makeInitialGrid(Double.self)
        #expect(grid[256, 256] == 0.005 && grid[319, 319] == 0.005)
        #expect(grid[255, 256] == 0 && grid[320, 300] == 0)
        #expect(abs(FieldSummary(grid).mass - 20.48) < 1e-12)
    }

    @Test("the stability limit is r = D·dt/dx² ≤ 1/4, and the error gives the largest stable dt")
    func stability() throws {
        try Problem(dt: 0.25).validate()
        #expect(Problem(diffusivity: 2, dt: 0.1, dx: 0.5).coefficient == 0.8)
        let unstable = Problem(diffusivity: 2, dt: 0.1, dx: 0.5)
        #expect(unstable.largestStableTimeStep == 0.03125)
        #expect {
            try unstable.validate()
        } throws: { error in
            let message = String(describing: error)
            return message.contains("0.8") && message.contains("0.25") && message.contains("0.03125")
        }
        try unstable.validate(allowUnstable: true)
    }

    @Test("sizes below 3 and non-positive parameters are refused")
    func badProblems() {
        #expect(throws: DiffusionError.gridTooSmall(rows: 2, cols: 5)) { try Problem(rows: 2, cols: 5).validate() }
        #expect(throws: DiffusionError.gridTooSmall(rows: 3, cols: 0)) { try Problem(rows: 3, cols: 0).validate() }
        #expect(throws: DiffusionError.self) { try Problem(diffusivity: -1).validate() }
        #expect(throws: DiffusionError.self) { try Problem(dt: 0).validate() }
        #expect(throws: DiffusionError.self) { try Problem(dx: .nan).validate() }
    }

    @Test("a grid larger than the memory available is refused before allocating")
    func tooLarge() {
        #expect {
            try Problem(rows: 1 << 20, cols: 1 << 20).checkMemory(grids: 2, availableBytes: 1 << 34)
        } throws: { error in
            String(describing: error).contains("needs 16.0 TiB")
        }
        #expect(throws: DiffusionError.self) { try Problem(rows: Int.max / 2, cols: 4).validate() }
        #expect(throws: Never.self) { try Problem.seed.checkMemory(grids: 3, availableBytes: 1 << 30) }
    }

    @Test("a grid is contiguous, 64-byte aligned and row-major")
    func gridLayout() {
        var grid = Grid<Double>(rows: 3, cols: 5)
        grid[1, 2] = 7
        grid.withUnsafeBufferPointer { cells in
            #expect(Int(bitPattern: cells.baseAddress) % 64 == 0)
            #expect(cells.count == 15)
            #expect(cells[1 * 5 + 2] == 7)
        }
    }

    @Test("grids are values: a copy does not see later changes")
    func copyOnWrite() {
        var a = Grid<Float>(rows: 4, cols: 4, repeating: 1)
        let b = a
        a[0, 0] = 2
        #expect(b[0, 0] == 1 && a[0, 0] == 2)
        #expect(a != b)
    }

    @Test("the field summary sums mass with compensation and finds extremes")
    func summary() {
        // 1 + many tiny values: naive summation would lose them.
        var grid = Grid<Double>(rows: 100, cols: 100, repeating: 1e-17)
        grid[0, 0] = 1
        let summary = FieldSummary(grid, dx: 2)
        #expect(summary.mass == (1 + 9999e-17) * 4)
        #expect(summary.minimum == 1e-17 && summary.maximum == 1)
        grid[5, 5] = .nan
        #expect(FieldSummary(grid).nonFiniteCount == 1)
        #expect(!FieldComparison.isFinite(grid))
    }
}
