import Foundation
import DiffuseTestSupport
import Testing
@testable import PerfKit

@Suite struct PerfStatRenderingTests {
    /// A report built from known numbers, one run.
    func singleRun() -> PerfStatReport {
        func counted(_ event: PerfEvent, _ value: UInt64) -> EventCount {
            EventCount.aggregate(event, readings: [CounterReading(count: value, timeEnabled: 1, timeRunning: 1)])
        }
        return PerfStatReport(
            label: "python3 -c 1",
            events: [
                EventSummary(runs: [counted(.taskClock, 95_130_000)]),
                EventSummary(runs: [counted(.faults, 9_339)]),
                EventSummary(runs: [EventCount.notSupported(.cycles)]),
                EventSummary(runs: [counted(.majorFaults, 0)]),
            ],
            elapsedSeconds: [0.101055005], userSeconds: 0.079547, systemSeconds: 0.022342)
    }

    @Test func singleRunBlockMatchesPerf() {
        let lines = singleRun().render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "")
        #expect(lines[1] == " Performance counter stats for 'python3 -c 1':")
        #expect(lines[2] == "")
        // perf 6.1 printed "             95.13 msec task-clock                       #    0.941 CPUs utilized"
        #expect(lines[3] == "             95.13 msec task-clock                       #    0.941 CPUs utilized")
        // 9339 faults over 95.13 ms of task-clock = 98.171 K/sec.
        #expect(lines[4] == "             9,339      faults                           #   98.171 K/sec")
        #expect(lines[5] == "   <not supported>      cycles")
        #expect(lines[6] == "                 0      major-faults                     #    0.000 /sec")
        #expect(lines[7] == "")
        #expect(lines[8] == "       0.101055005 seconds time elapsed")
        #expect(lines[9] == "")
        #expect(lines[10] == "       0.079547000 seconds user")
        #expect(lines[11] == "       0.022342000 seconds sys")
        #expect(singleRun().render(groupDigits: false).contains("              9339      faults "))
    }

    @Test func repeatedRunsShowSpreadAndScaling() {
        let runs: [UInt64] = [1_000_000, 1_100_000, 1_200_000]
        let taskClock = EventSummary(runs: runs.map {
            EventCount.aggregate(.taskClock, readings: [CounterReading(count: $0 * 100, timeEnabled: 10, timeRunning: 10)])
        })
        let cycles = EventSummary(runs: runs.map {
            EventCount.aggregate(.cycles, readings: [CounterReading(count: $0, timeEnabled: 300, timeRunning: 200)])
        })
        let instructions = EventSummary(runs: runs.map {
            EventCount.aggregate(.instructions, readings: [CounterReading(count: 2 * $0, timeEnabled: 300, timeRunning: 200)])
        })
        let report = PerfStatReport(label: "fused", events: [cycles, instructions, taskClock],
                                    elapsedSeconds: [0.15, 0.17, 0.1723])
        let lines = report.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1] == " Performance counter stats for 'fused' (3 runs):")
        // Scaled mean 1.65e6 cycles over 110 ms of task-clock = 0.015 GHz; SEM/mean = 5.25%.
        #expect(lines[3] == "         1,650,000      cycles                           #    0.015 GHz"
            + "                      ( +-  5.25% )  (66.67%)")
        #expect(lines[4] == "         3,300,000      instructions                     #    2.00  insn per cycle"
            + "           ( +-  5.25% )  (66.67%)")
        #expect(lines[5].hasPrefix("            110.00 msec task-clock                       #    0.670 CPUs utilized"))
        #expect(lines[5].hasSuffix("( +-  5.25% )"))
        // SEM of the elapsed times is 0.00708 s: 2 + 3 decimals.
        #expect(lines[7] == "           0.16410 +- 0.00708 seconds time elapsed  ( +-  4.32% )")
        #expect(PerfStatReport.elapsedPrecision(0.0153) == 4)
        #expect(PerfStatReport.elapsedPrecision(0) == 9)
    }

    @Test func jsonShapeAndRoundTrip() throws {
        let report = singleRun()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["repeats"] as? Int == 1)
        #expect(object["elapsed_s"] as? Double == 0.101055005)
        let events = try #require(object["events"] as? [String: Any])
        let taskClock = try #require(events["task-clock"] as? [String: Any])
        #expect(taskClock["value"] as? Double == 95.13)
        #expect(taskClock["unit"] as? String == "msec")
        #expect(taskClock["supported"] as? Bool == true)
        #expect(taskClock["stddev_pct"] as? Double == 0)
        let cycles = try #require(events["cycles"] as? [String: Any])
        #expect(cycles["supported"] as? Bool == false)
        #expect(cycles["value"] == nil || cycles["value"] is NSNull)
        let decoded = try JSONDecoder().decode(PerfStatReport.self, from: data)
        #expect(decoded == report)
    }
}

#if os(Linux)
@Suite(.enabled(if: kernelCountersUsable, "software perf events cannot be opened here"))
struct PerfStatMeasureTests {
    @Test func measuresRepeatedRuns() throws {
        var runs = 0
        let report = try PerfStat(events: [.taskClock, .pageFaults, .cs, .cycles], repeats: 3, scope: .callingThread)
            .measure("busy") {
                runs += 1
                touchFreshPages(32)
                spin(cpuMilliseconds: 3)
            }
        #expect(runs == 3 && report.repeats == 3)
        #expect(report[.taskClock]?.status == .counted)
        #expect((report[.taskClock]?.mean ?? 0) >= 2e6)
        #expect((report[.pageFaults]?.mean ?? 0) >= 32, "\(report[.pageFaults]!.samples)")
        let cycles = try #require(report[.cycles])
        #expect(cycles.status == .notSupported || (cycles.mean ?? 0) > 0)
        let text = report.render()
        #expect(text.contains(" Performance counter stats for 'busy' (3 runs):"))
        #expect(text.contains("seconds time elapsed"))
        #expect(text.contains(cycles.status == .notSupported ? "<not supported>      cycles" : "GHz"))
    }
}
#endif
