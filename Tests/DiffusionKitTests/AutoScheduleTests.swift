import DiffusionKit
import Hardware
import DiffuseTestSupport
import Testing

@Suite("auto")
struct AutoScheduleTests {
    static let shapes: [(Int, Int)] = [(3, 3), (3, 5), (17, 1000), (1000, 17), (100, 100), (181, 181), (182, 182), (333, 517)]

    @Test("picks a registered schedule, and what it picks agrees with the reference bit for bit",
          arguments: shapes.indices)
    func picksVerifiedSchedules(index: Int) throws {
        let (rows, cols) = Self.shapes[index]
        for boundary in [Boundary.periodic, .reflecting, .fixed(0.75)] {
            let problem = Problem(rows: rows, cols: cols, dt: 0.2, boundary: boundary, initial: .gaussian(width: 2))
            let choice = AutoSchedule().choice(for: problem, context: ExecutionContext(machine: TestMachines.zen3))
            #expect(ScheduleRegistry.names.contains(choice.descriptor.name))
            #expect(!ScheduleRegistry.aliases.contains(choice.descriptor.name))
            for precision in [Precision.double, .float] {
                var problem = problem
                problem.precision = precision
                if precision == .double {
                    try expectAgreement(problem, Double.self)
                } else {
                    try expectAgreement(problem, Float.self)
                }
            }
        }
    }

    private func expectAgreement<Scalar: DiffusionScalar>(_ problem: Problem, _: Scalar.Type) throws {
        var expected = try problem.makeInitialGrid(Scalar.self)
        var grid = expected
        try ReferenceSchedule().run(&expected, steps: 21, problem: problem)
        try AutoSchedule().run(&grid, steps: 21, problem: problem, context: ExecutionContext(machine: TestMachines.zen4))
        #expect(grid == expected, "\(problem)")
    }
}
