import DiffusionKit
import Testing

@Suite("Schedule resources")
struct ScheduleResourcesTests {
    @Test("releasing the thread teams and spare grids leaves later runs correct")
    func releaseAndRunAgain() throws {
        let problem = Problem(rows: 300, cols: 200, boundary: .reflecting, initial: .gaussian(width: 20))
        var expected = try problem.makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&expected, steps: 12, problem: problem)
        for schedule in [ParallelSchedule(), TemporalSchedule()] as [any Schedule] {
            for _ in 0 ..< 2 {
                var grid = try problem.makeInitialGrid(Double.self)
                try schedule.run(&grid, steps: 12, problem: problem, context: ExecutionContext(threads: 2))
                #expect(grid == expected, "\(schedule.descriptor.name)")
                ScheduleResources.release()
            }
        }
    }
}
