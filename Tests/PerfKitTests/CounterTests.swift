import Dispatch
import Foundation
import DiffuseTestSupport
import Testing
@testable import PerfKit

@Suite struct CounterArithmeticTests {
    @Test func multiplexScaling() {
        let reading = CounterReading(count: 1_000, timeEnabled: 300, timeRunning: 100)
        #expect(reading.isScaled)
        #expect(reading.scaledCount == 3_000)
        #expect(abs(reading.runningPercent - 33.333333) < 1e-4)

        let full = CounterReading(count: 42, timeEnabled: 500, timeRunning: 500)
        #expect(!full.isScaled && full.scaledCount == 42 && full.runningPercent == 100)
        #expect(CounterReading(count: 0, timeEnabled: 10, timeRunning: 0).scaledCount == nil)
        #expect(CounterReading(count: 0, timeEnabled: 0, timeRunning: 0).scaledCount == 0)

        let delta = CounterReading(count: 150, timeEnabled: 90, timeRunning: 60)
            - CounterReading(count: 50, timeEnabled: 30, timeRunning: 30)
        #expect(delta == CounterReading(count: 100, timeEnabled: 60, timeRunning: 30))
    }

    @Test func aggregateScalesEachThreadThenSums() {
        // Thread A ran a third of its time, thread B all of it.
        let counts = EventCount.aggregate(.cycles, readings: [
            CounterReading(count: 100, timeEnabled: 300, timeRunning: 100),
            CounterReading(count: 50, timeEnabled: 100, timeRunning: 100),
        ])
        #expect(counts.status == .counted)
        #expect(counts.value == 350)
        #expect(counts.isScaled)
        #expect(counts.total == CounterReading(count: 150, timeEnabled: 400, timeRunning: 200))
        #expect(counts.runningPercent == 50)

        let never = EventCount.aggregate(.cycles, readings: [CounterReading(count: 0, timeEnabled: 10, timeRunning: 0)])
        #expect(never.status == .notCounted && never.value == nil)
    }

    @Test func permissionErrorNamesTheSysctl() {
        let error = CounterError.permissionDenied(event: .cycles, errno: .permissionDenied, paranoid: 3, needed: 2)
        #expect(error.description.contains("/proc/sys/kernel/perf_event_paranoid is 3"))
        #expect(error.description.contains("needs 2 or less"))
        #expect(error.description.contains("kernel.perf_event_paranoid=2"))
    }

    @Test func automaticGroupingPairsRatios() {
        let events = PerfEvent.seedEvents
        let groups = Counters.partition(Array(events.indices), of: events, .automatic)
        let named = groups.map { $0.map { events[$0].name } }
        #expect(named == [
            ["cycles", "stalled-cycles-frontend", "stalled-cycles-backend", "instructions"],
            ["cache-references", "cache-misses"],
            ["branches", "branch-misses"],
            ["task-clock"],
            ["faults", "minor-faults", "cs", "migrations"],
        ])
        #expect(Counters.partition([0, 1, 2], of: events, .separate) == [[0], [1], [2]])
        #expect(Counters.partition([0, 1, 2], of: events, .single) == [[0, 1, 2]])
    }
}

#if os(Linux)
/// Software perf events can be opened here (false where perf_event_paranoid
/// is 3+ without privilege, or under a seccomp filter).
let kernelCountersUsable: Bool = {
    let support = Counters.probe([.taskClock])[0].support
    return support == .supported || support == .userSpaceOnly
}()

@Suite(.enabled(if: kernelCountersUsable, "software perf events cannot be opened here"))
struct CounterKernelTests {
    @Test func pageFaultsFollowTouchedPages() throws {
        let counters = try Counters([.pageFaults, .minorFaults, .majorFaults], scope: .callingThread)
        let (_, counts) = try counters.measure { touchFreshPages(512) }
        #expect(counters.source == .perfEvents)
        let faults = try #require(counts[0].value)
        #expect(faults >= 500 && faults <= 1_024, "page-faults \(faults) for 512 fresh pages")
        #expect(counts[1].value ?? 0 >= 500)
    }

    @Test func taskClockFollowsBusyLoop() throws {
        let counters = try Counters([.taskClock, .contextSwitches], scope: .callingThread)
        let (cpu, counts) = try counters.measure { () -> UInt64 in
            let start = PerfClock.threadCPUNanoseconds()
            spin(cpuMilliseconds: 30)
            return PerfClock.threadCPUNanoseconds() - start
        }
        let taskClock = try #require(counts[0].value)
        #expect(taskClock >= 0.5 * Double(cpu) && taskClock <= 2 * Double(cpu) + 5e6,
                "task-clock \(taskClock) ns vs thread CPU \(cpu) ns")
        #expect(counts[1].status == .counted)
    }

    @Test func hardwareEventIsUnsupportedOrPositiveNeverZero() throws {
        let support = Counters.probe([.instructions])[0].support
        let counters = try Counters([.instructions, .taskClock], scope: .callingThread)
        let (_, counts) = try counters.measure { spin(cpuMilliseconds: 2) }
        switch support {
        case .supported, .userSpaceOnly:
            #expect(counts[0].status == .counted)
            #expect((counts[0].value ?? 0) > 0)
        default:
            #expect(counts[0].status == .notSupported)
            #expect(counts[0].value == nil)
            #expect(throws: CounterError.self) { try CounterGroup([.instructions], scope: .callingThread) }
        }
        #expect(counts[1].status == .counted)
    }

    @Test func groupReadsSoftwareEventsTogether() throws {
        // task-clock leads page-faults: the mix that some kernels stop
        // counting after a disable/enable cycle, so measure three times.
        let group = try CounterGroup([.taskClock, .pageFaults, .contextSwitches], scope: .callingThread)
        #expect(group.threadCount == 1)
        for _ in 0..<3 {
            let (_, counts) = try group.measure { touchFreshPages(64) }
            #expect(counts.map(\.status) == [.counted, .counted, .counted])
            #expect((counts[1].value ?? 0) >= 64)
            // Leader and members share one enabled/running time.
            #expect(counts[0].total.timeEnabled == counts[1].total.timeEnabled)
            #expect(!counts[1].isScaled)
        }
    }

    @Test func countsThreadsThatExistedBefore() throws {
        let running = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let worker = Thread {
            running.signal()
            go.wait()
            spin(cpuMilliseconds: 60)
            done.signal()
        }
        worker.start()
        running.wait()  // the worker runs, so it is in /proc/self/task
        let counters = try Counters([.taskClock], scope: .process)
        let (_, counts) = try counters.measure {
            go.signal()
            done.wait()
        }
        let taskClock = try #require(counts[0].value)
        #expect(taskClock >= 40e6, "task-clock \(taskClock) ns should include the worker's 60 ms")
    }

    @Test func countsThreadsCreatedDuringMeasurement() throws {
        let counters = try Counters([.taskClock], scope: .callingThread)
        let (_, counts) = try counters.measure {
            let done = DispatchSemaphore(value: 0)
            Thread {
                spin(cpuMilliseconds: 60)
                done.signal()
            }.start()
            done.wait()
        }
        let taskClock = try #require(counts[0].value)
        #expect(taskClock >= 40e6, "task-clock \(taskClock) ns should include the new thread's 60 ms")
    }

}

@Suite struct CounterFallbackTests {
    @Test func resourceUsageFallback() throws {
        let counters = try Counters([.taskClock, .pageFaults, .cs, .cycles, .cpuMigrations], scope: .callingThread,
                                    prefer: .resourceUsage)
        guard case .resourceUsage = counters.source else {
            Issue.record("expected the getrusage source")
            return
        }
        let (_, counts) = try counters.measure {
            touchFreshPages(256)
            spin(cpuMilliseconds: 5)
        }
        #expect((counts[0].value ?? 0) >= 2e6)
        #expect((counts[1].value ?? 0) >= 250)
        #expect(counts[2].status == .counted)
        #expect(counts[3].status == .notSupported && counts[3].value == nil)
        #expect(counts[4].status == .notSupported)
    }

    @Test func probeCoversEveryEvent() {
        let probed = Counters.probe()
        #expect(probed.count == PerfEvent.allCases.count)
        #expect(probed.first { $0.event == .taskClock }!.support != .notSupported)
    }
}
#endif
