import DiffuseTestSupport
import DiffusionKit
import Testing

/// Releases the shared thread teams: in `ThreadTeamState`, so that no test
/// that holds on to a shared team runs meanwhile.
extension ThreadTeamState {
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
                    try schedule.run(&grid, steps: 12, problem: problem, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
                    #expect(grid == expected, "\(schedule.descriptor.name)")
                    ScheduleResources.release()
                }
            }
        }
    }
}
