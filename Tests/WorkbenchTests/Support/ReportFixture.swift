import DiffuseTestSupport
import DiffusionKit
import Foundation
import Hardware
import PerfKit
@testable import Workbench

/// A bench report with every kind of entry — Diffuse schedules, peers, a
/// FAILED schedule, a skipped peer, a name that needs escaping — a roofline
/// and a sweep, on a fixed machine (decoded from JSON: no host facts), and
/// the field of a small workload. Everything the page draws, made in milliseconds.
enum ReportFixture {
    static let machineJSON = """
        {"cpu_model": "Test CPU <64 cores> & \\"friends\\"", "logical_cpus_online": 2, "logical_cpus_available": 2, "memory_bytes": 25000000000,
         "caches": [
           {"level": 1, "type": "Data", "size_bytes": 32768, "line_size_bytes": 64, "ways": 8, "shared_cpus": [0], "instances": 2},
           {"level": 1, "type": "Instruction", "size_bytes": 32768, "shared_cpus": [0], "instances": 2},
           {"level": 2, "type": "Unified", "size_bytes": 1048576, "shared_cpus": [0], "instances": 2},
           {"level": 3, "type": "Unified", "size_bytes": 33554432, "shared_cpus": [0, 1], "instances": 1}],
         "counters": [], "compiler_version": "6.3", "language_mode": "6", "build_configuration": "release", "native_target_cpu": true}
        """

    static var machine: Machine {
        try! JSONDecoder().decode(Machine.self, from: Data(machineJSON.utf8))
    }

    static let workload = BenchWorkload(problem: Problem(rows: 48, cols: 48), iterations: 40)

    static func entry(_ name: String, _ kind: BenchResult.Kind, best: Double?, median: Double? = nil, status: BenchResult.Status = .verified,
                      reason: String? = nil, lesson: String = "a lesson") -> BenchResult {
        var result = BenchResult(variant: name, kind: kind, seedCounterpart: kind == .peer ? "(beyond the seed)" : "NumPy", lesson: lesson, threads: 1)
        result.status = status
        result.reason = reason
        if status == .verified, let best {
            result.verified = true
            result.bestSeconds = best
            result.medianSeconds = median ?? best * 1.1
            result.runs = 5
            result.times = [best, best * 1.1, best * 1.2]
            result.updatesPerSecond = workload.updates / best
            result.maxAbsError = 0
        }
        return result
    }

    /// The ranked names, fastest first: the order the chart must keep.
    static let rankedNames = ["temporal", "parallel", "C, OpenMP <2 threads> & \"more\"", "simd", "fused", "in-place", "nested"]

    static var bench: BenchReport {
        var results = [
            entry("temporal", .swift, best: 0.000217, lesson: "temporal blocking: many steps per pass"),
            entry("parallel", .swift, best: 0.000255),
            entry(rankedNames[2], .peer, best: 0.000401),
            entry("simd", .swift, best: 0.000489),
            entry("fused", .swift, best: 0.000752),
            entry("in-place", .swift, best: 0.00418),
            entry("nested", .swift, best: 0.00853, median: 0.0161),
            entry("roll-add", .swift, best: nil, status: .failed, reason: "max |error| 0.1 exceeds the gate 5e-15"),
            entry("Numba", .peer, best: nil, status: .skipped, reason: "numba is not installed (pip install numba)"),
        ]
        let roofs = self.roofs
        for index in results.indices where results[index].isRanked {
            results[index].speedup = 0.00853 / results[index].bestSeconds!
            // Peers are placed as one step per sweep, as `applying(roofs:)` does.
            let traffic = StencilTraffic(
                schedule: results[index].kind == .swift ? results[index].variant : "peer",
                rows: workload.rows, cols: workload.cols, scalarBytes: 8, threads: 2, depth: nil, tileWidth: nil, machine: description)
            let roof = StencilRoof(roofs: roofs, traffic: traffic, precision: .double, threads: 2, attained: results[index].updatesPerSecond!)
            results[index].roof = roof
            results[index].ceilingKind = roof?.bound
            results[index].ceilingFraction = roof?.fraction
        }
        var report = BenchReport(machine: machine, date: "2026-11-29T12:00:00Z",
                                 workloads: [BenchWorkloadResults(workload: workload, referenceSeconds: 0.01, results: results)])
        report.roofs = roofs
        return report
    }

    /// The fixture machine as the planner sees it: 2 cores, 32 KiB L1d,
    /// 1 MiB L2 each, 32 MiB L3 shared.
    static let description = TestMachines.zen4

    /// Round roofs on 1 and 2 threads: 10 GFlop/s of adds and 20 of FMA per
    /// core; L1 100 GB/s per core, L2 50, L3 30, memory 10 (all cores twice
    /// these, memory 1.5×).
    static var roofs: MachineRoofs {
        var compute: [PeakFlops.Result] = []
        for threads in [1, 2] {
            for precision in PeakFlops.Precision.allCases {
                let scale = Double(threads) * (precision == .float ? 2 : 1)
                compute.append(.init(precision: precision, operation: .add, threads: threads, vectorBytes: 64, flopsPerSecond: 10e9 * scale))
                compute.append(.init(precision: precision, operation: .fma, threads: threads, vectorBytes: 64, flopsPerSecond: 20e9 * scale))
            }
        }
        func level(_ name: String, _ perCore: Double, _ allCores: Double) -> MachineRoofs.Level {
            .init(name: name, capacityBytesPerCore: nil, capacityBytesAllCores: nil, bandwidth: [
                .init(kernel: .load, workingSetBytesPerThread: 1024, threads: 1, bytesPerSecond: perCore),
                // Slower than the load: the roof is the best kernel's figure.
                .init(kernel: .copy, workingSetBytesPerThread: 1024, threads: 1, bytesPerSecond: perCore * 0.8),
                .init(kernel: .load, workingSetBytesPerThread: 1024, threads: 2, bytesPerSecond: allCores),
            ])
        }
        return MachineRoofs(threads: 2, compute: compute,
                            levels: [level("L1", 100e9, 200e9), level("L2", 50e9, 100e9), level("L3", 30e9, 60e9), level("memory", 10e9, 15e9)])
    }

    static func sweep(_ name: String, peak: Double) -> SweepReport {
        let sides = [64, 91, 128, 181, 256, 362, 512, 724, 1024, 1448, 2048]
        let points = sides.map { side in
            let bytes = 2 * side * side * 8
            let rate = bytes <= 1 << 20 ? peak : bytes <= 32 << 20 ? peak * 0.6 : peak * 0.25
            return SweepPoint(rows: side, cols: side, workingSetBytes: bytes, cacheLevel: "L2", iterations: 10, runs: 2,
                              shortSeconds: 0.01, longSeconds: 0.02, updatesPerSecond: rate, nanosecondsPerUpdate: 1e9 / rate,
                              setUpSeconds: 0, verificationSteps: 3, maxAbsError: 0, tolerance: 1e-15)
        }
        return SweepReport(variant: name, threads: 2, boundary: "periodic", initial: "block", precision: "double", budgetSeconds: 0.05,
                           caches: machine.caches.map(MachineReport.Cache.init), points: points)
    }

    static func content() throws -> ReportContent {
        let bench = bench
        let film = try FieldFilm.record(problem: Problem(rows: 48, cols: 48), iterations: 40, schedule: ScheduleRegistry.named("fused"),
                                        frames: 5, driftSamples: 20)
        let sweeps = [sweep("temporal", peak: 9e9), sweep("simd", peak: 4e9)]
        return ReportContent(
            bench: bench, sweeps: sweeps, sweepSource: "Fixture sweeps.", field: film,
            commands: ReproductionCommands.all(bench: bench, sweeps: sweeps, fieldSchedule: "fused", frames: 5,
                                               benchFile: "bench.json", sweepFiles: ["sweep-temporal.json", "sweep-simd.json"]),
            benchSource: "a test fixture")
    }
}
