import DiffusionKit
import Testing

@Suite("Reference solver")
struct ReferenceScheduleTests {
    @Test("reproduces NumPy's golden field for the seed's workload to 1e-14")
    func golden() throws {
        let golden = try Fixture.load("golden_periodic_640x640_500")
        var grid = try Problem.seed.makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&grid, steps: 500, problem: .seed)
        #expect(FieldComparison.maxAbsDifference(grid, golden) <= 1e-14)
        #expect(abs(FieldSummary(grid).mass - 20.48) < 1e-12)
    }

    @Test("reproduces NumPy on small non-square grids with every boundary", arguments: Fixture.small.indices)
    func smallFixtures(index: Int) throws {
        let (name, problem, steps) = Fixture.small[index]
        let expected = try Fixture.load(name)
        var grid = try problem.makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&grid, steps: steps, problem: problem)
        #expect(FieldComparison.maxAbsDifference(grid, expected) <= 1e-14, "\(name)")
    }

    @Test("reproduces NumPy's float32 result")
    func float32() throws {
        let (_, problem, steps) = Fixture.small[0]
        let expected = try Fixture.load("reflecting_17x23_60_float", as: Float.self)
        var grid = try problem.makeInitialGrid(Float.self)
        try ReferenceSchedule().run(&grid, steps: steps, problem: problem)
        // NumPy sums the five terms in the same order; allow a few float ulps for
        // its pairwise ordering of the padded slices.
        #expect(FieldComparison.maxAbsDifference(grid, expected) <= 4 * Double(Float.ulpOfOne))
    }

    @Test("a fixed boundary on a 3×3 grid, worked out by hand")
    func fixedByHand() throws {
        // r = D·dt/dx² = 0.25. Centre cell 1, all others 0, ghosts V = 2.
        let problem = Problem(rows: 3, cols: 3, dt: 0.25, boundary: .fixed(2), initial: .point)
        var grid = try problem.makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&grid, steps: 1, problem: problem)
        // Centre: 1 + 0.25·(0+0+0+0−4) = 0.
        #expect(grid[1, 1] == 0)
        // Edge middle (0,1): neighbours centre 1, ghost 2, corners 0, 0 → 0 + 0.25·3 = 0.75.
        #expect(grid[0, 1] == 0.75)
        #expect(grid[1, 0] == 0.75 && grid[1, 2] == 0.75 && grid[2, 1] == 0.75)
        // Corner (0,0): neighbours two ghosts (2, 2) and two edge cells (0, 0) → 0.25·4 = 1.
        #expect(grid[0, 0] == 1 && grid[0, 2] == 1 && grid[2, 0] == 1 && grid[2, 2] == 1)
        // Second step, corner: 1 + 0.25·(0.75 + 0.75 + 2 + 2 − 4) = 1.375.
        try ReferenceSchedule().run(&grid, steps: 1, problem: problem)
        #expect(grid[0, 0] == 1.375)
        // Centre: 0 + 0.25·(4 · 0.75) = 0.75.
        #expect(grid[1, 1] == 0.75)
    }

    @Test("a fixed boundary at V = 0 drains a 3×5 field, worked out by hand")
    func fixedZeroByHand() throws {
        let problem = Problem(rows: 3, cols: 5, dt: 0.2, boundary: .fixed(0), initial: .point)
        var grid = try problem.makeInitialGrid(Double.self)  // 1 at (1, 2)
        try ReferenceSchedule().run(&grid, steps: 1, problem: problem)
        let r = 0.2
        #expect(grid[1, 2] == 1 + r * (0 + 0 + 0 + 0 - 4))
        #expect(grid[0, 2] == 0 + r * 1)
        #expect(grid[1, 1] == r && grid[1, 3] == r && grid[2, 2] == r)
        #expect(grid[0, 0] == 0)
        // Mass leaves through the ghosts: after one step it is still 1 (the
        // point had no edge neighbours), after two it is less.
        #expect(abs(FieldSummary(grid).mass - 1) < 1e-15)
        try ReferenceSchedule().run(&grid, steps: 1, problem: problem)
        #expect(FieldSummary(grid).mass < 1)
    }

    @Test("periodic and reflecting boundaries conserve mass to 1e-12 over long runs",
          arguments: [Boundary.periodic, .reflecting])
    func massConservation(boundary: Boundary) throws {
        let problem = Problem(rows: 24, cols: 31, dt: 0.24, boundary: boundary, initial: .gaussian(width: 2))
        var grid = try problem.makeInitialGrid(Double.self)
        let initial = FieldSummary(grid)
        try ReferenceSchedule().run(&grid, steps: 4000, problem: problem)
        let final = FieldSummary(grid)
        #expect(abs(final.relativeDrift(from: initial)) <= 1e-12)
        // The run went long enough to spread the field over the whole grid.
        #expect(final.maximum - final.minimum < 0.05 * (initial.maximum - initial.minimum))
    }

    @Test("a point diffuses symmetrically")
    func symmetry() throws {
        // Mirror images sum the same four neighbours in another order, so they
        // agree to rounding, not bit for bit.
        let problem = Problem(rows: 9, cols: 9, dt: 0.2, boundary: .reflecting, initial: .point)
        var grid = try problem.makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&grid, steps: 7, problem: problem)
        for i in 0 ..< 9 {
            for j in 0 ..< 9 {
                #expect(abs(grid[i, j] - grid[j, i]) <= 1e-17)
                #expect(abs(grid[i, j] - grid[8 - i, j]) <= 1e-17)
                #expect(abs(grid[i, j] - grid[i, 8 - j]) <= 1e-17)
            }
        }
        #expect(grid[4, 4] > grid[4, 5] && grid[4, 5] > grid[4, 6])
    }
}
