import DiffusionKit
import Hardware
import Testing

/// The fast schedules step with the vectors of the machine they plan for
/// (`MachineDescription.vectorBytes`): 64, 32 or 16 bytes. Whatever the
/// width, every cell gets the same operations in the same order, so every
/// result is bit-identical to the reference. These machines force each width
/// on whatever CPU runs the tests (a narrower vector than the build's runs
/// everywhere; a wider one is split by the compiler).
@Suite("vector widths")
struct VectorWidthTests {
    static let widths = [64, 32, 16, 8]
    static let shapes: [(Int, Int)] = [(3, 3), (7, 5), (9, 17), (13, 33), (40, 47), (64, 64)]

    @Test("simd, parallel and temporal agree with the reference bit for bit at every vector width",
          arguments: widths)
    func bitIdentical(vectorBytes: Int) throws {
        var machine = MachineDescription(cpuModel: "test", cores: 2, vectorBytes: vectorBytes)
        machine.caches = [.init(level: 2, sizeBytes: 16 << 10), .init(level: 3, sizeBytes: 64 << 10, sharedBy: 2)]
        let context = ExecutionContext(threads: 2, machine: machine)
        let schedules: [any Schedule] = [SIMDSchedule(), ParallelSchedule(), TemporalSchedule(), TemporalSchedule(depth: 3)]
        for (rows, cols) in Self.shapes {
            for boundary in [Boundary.periodic, .reflecting, .fixed(0.75)] {
                let problem = Problem(rows: rows, cols: cols, dt: 0.2, boundary: boundary, initial: .gaussian(width: 2))
                for schedule in schedules {
                    try expectAgreement(problem, schedule, context, Double.self)
                    var float = problem
                    float.precision = .float
                    try expectAgreement(float, schedule, context, Float.self)
                }
            }
        }
    }

    private func expectAgreement<Scalar: DiffusionScalar>(
        _ problem: Problem, _ schedule: any Schedule, _ context: ExecutionContext, _: Scalar.Type
    ) throws {
        var expected = try problem.makeInitialGrid(Scalar.self)
        var grid = expected
        try ReferenceSchedule().run(&expected, steps: 13, problem: problem)
        try schedule.run(&grid, steps: 13, problem: problem, context: context)
        #expect(grid == expected, "\(schedule.descriptor.name) \(problem.rows)×\(problem.cols) \(problem.boundary) \(Scalar.self) at \(context.machine.vectorBytes) bytes")
    }
}
