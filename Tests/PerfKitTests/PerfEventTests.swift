import Testing
import PerfKit

@Suite struct PerfEventTests {
    @Test func parsesPerfNamesAndAliases() throws {
        #expect(try PerfEvent(parsing: "cycles") == .cycles)
        #expect(try PerfEvent(parsing: " Task-Clock ") == .taskClock)
        #expect(try PerfEvent(parsing: "cs").canonical == .contextSwitches)
        #expect(try PerfEvent(parsing: "faults").canonical == .pageFaults)
        #expect(try PerfEvent(parsing: "migrations").canonical == .cpuMigrations)
        #expect(try PerfEvent(parsing: "branch-instructions") == .branches)
        #expect(PerfEvent.cs.name == "cs")
        #expect(PerfEvent.taskClock.unit == "msec" && PerfEvent.cycles.unit == "")
        #expect(PerfEvent.cacheMisses.isHardware && !PerfEvent.pageFaults.isHardware)
    }

    @Test func parsesTheSeedsList() throws {
        let list = "cycles,stalled-cycles-frontend,stalled-cycles-backend,instructions,"
            + "cache-references,cache-misses,branches,branch-misses,task-clock,faults,"
            + "minor-faults,cs,migrations"
        #expect(try PerfEvent.parseList(list) == PerfEvent.seedEvents)
    }

    @Test func unknownNameListsValidOnes() {
        do {
            _ = try PerfEvent.parseList("cycles,cycle")
            Issue.record("expected an error")
        } catch {
            #expect(error == .unknownEvent("cycle"))
            #expect(error.description.hasPrefix("unknown event 'cycle'; valid events: cycles, stalled-cycles-frontend"))
            #expect(error.description.contains("context-switches, cs, cpu-migrations, migrations"))
        }
        #expect(throws: PerfEventError.emptyList) { try PerfEvent.parseList(" , ") }
    }
}
