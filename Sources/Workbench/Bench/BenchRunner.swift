import DiffusionKit
import Foundation
import PerfKit

/// What the bench is doing, for a progress display.
public enum BenchProgress: Sendable {
    /// The reference solver is computing the gate's field for a workload.
    case reference(workload: String)
    /// An entry (schedule or peer) starts; `position` counts from 1.
    case entry(name: String, position: Int, count: Int)
    /// Something happened within the current entry ("verified, max |error| 0", "run 3: 0.051 s").
    case detail(String)
    /// The entry is done.
    case finished(BenchResult)
}

/// Runs a `BenchPlan`: the correctness gate, then the timing protocol.
///
/// For each workload the reference solver computes the final field once.
/// Then, for each schedule: a warm-up run, whose field is compared with the
/// reference's (a schedule outside `Verification.tolerance` is FAILED and
/// never timed); then timed runs of the full workload, each starting again
/// from the initial field, until `budget` seconds are spent and at least
/// `minimumRuns` runs are done; the best and the median are reported, and the
/// last run's field is checked again. Peers run under the same protocol in
/// their own processes and hand back their final field, which is compared
/// with the reference's in the same way.
public struct BenchRunner: Sendable {
    public var plan: BenchPlan
    public var meter: any RunMeter
    public var peerRunner: PeerRunner?

    public init(plan: BenchPlan, meter: any RunMeter = NoRunMeter(), peerRunner: PeerRunner? = nil) {
        self.plan = plan
        self.meter = meter
        self.peerRunner = peerRunner
    }

    /// Measures every workload of the plan.
    public func run(machine: Machine, date: String, progress: (BenchProgress) -> Void = { _ in }) throws -> BenchReport {
        var workloads: [BenchWorkloadResults] = []
        for problem in plan.problems {
            switch problem.precision {
            case .double: workloads.append(try measure(problem, Double.self, progress))
            case .float: workloads.append(try measure(problem, Float.self, progress))
            }
        }
        return BenchReport(machine: machine, date: date, workloads: workloads, roofline: nil)
    }

    private func measure<Scalar: DiffusionScalar>(
        _ problem: Problem, _: Scalar.Type, _ progress: (BenchProgress) -> Void
    ) throws -> BenchWorkloadResults {
        let workload = BenchWorkload(problem: problem, iterations: plan.iterations)
        try problem.validate(allowUnstable: true)
        try problem.checkMemory(grids: 5)
        let initial = try problem.makeInitialGrid(Scalar.self)
        progress(.reference(workload: "\(problem.rows)×\(problem.cols)"))
        var reference = Self.freshCopy(of: initial)
        let referenceStart = ContinuousClock.now
        try ReferenceSchedule().run(&reference, steps: plan.iterations, problem: problem)
        let referenceSeconds = (ContinuousClock.now - referenceStart).inSeconds
        let gate = Gate(
            reference: reference,
            tolerance: Verification.tolerance(precision: problem.precision, steps: plan.iterations,
                                              magnitude: problem.magnitude(of: initial)))

        let count = plan.schedules.count + plan.peers.count
        var results: [BenchResult] = []
        for (index, schedule) in plan.schedules.enumerated() {
            progress(.entry(name: schedule.descriptor.name, position: index + 1, count: count))
            let result = measure(schedule, problem, initial, gate, progress)
            progress(.finished(result))
            results.append(result)
        }
        if !plan.peers.isEmpty {
            let peerResults = try measurePeers(problem, initial, gate, firstPosition: plan.schedules.count + 1, count: count, progress)
            results += peerResults
        }
        return BenchWorkloadResults(workload: workload, referenceSeconds: referenceSeconds, results: Self.ranked(results))
    }

    /// The reference field and the largest difference it accepts.
    struct Gate {
        let reference: any Sendable
        let tolerance: Double

        init<Scalar: DiffusionScalar>(reference: Grid<Scalar>, tolerance: Double) {
            self.reference = reference
            self.tolerance = tolerance
        }

        func error<Scalar: DiffusionScalar>(of grid: Grid<Scalar>) -> Double {
            guard let reference = reference as? Grid<Scalar> else { return .infinity }
            return FieldComparison.maxAbsDifference(grid, reference)
        }
    }

    private func measure<Scalar: DiffusionScalar>(
        _ schedule: any Schedule, _ problem: Problem, _ initial: Grid<Scalar>, _ gate: Gate,
        _ progress: (BenchProgress) -> Void
    ) -> BenchResult {
        let descriptor = schedule.descriptor
        let context = ExecutionContext(threads: plan.threads)
        var result = BenchResult(
            variant: descriptor.name, kind: .swift, seedCounterpart: descriptor.seedCounterpart,
            lesson: descriptor.lesson, threads: schedule.threads(for: problem, context: context))
        result.tolerance = gate.tolerance
        if let reason = schedule.limitation(for: problem) {
            result.status = .unsupported
            result.reason = reason
            return result
        }
        do {
            // Warm-up, and the correctness gate before any time is taken.
            var grid = Self.freshCopy(of: initial)
            try schedule.run(&grid, steps: plan.iterations, problem: problem, context: context)
            let warmUpError = gate.error(of: grid)
            result.maxAbsError = warmUpError
            guard warmUpError <= gate.tolerance else {
                result.status = .failed
                result.reason = "max |error| \(String(format: "%.3g", warmUpError)) exceeds the gate \(String(format: "%.3g", gate.tolerance))"
                return result
            }
            progress(.detail("verified (max |error| \(String(format: "%.2g", warmUpError)))"))
            // Timed runs of the full workload until the budget is spent.
            var spent = 0.0
            var allocations: [Int] = [], pageFaults: [Int] = []
            while result.times.count < plan.minimumRuns || spent < plan.budget {
                grid.assign(from: initial)
                var seconds = 0.0
                let cost = try meter.measure {
                    let start = ContinuousClock.now
                    try schedule.run(&grid, steps: plan.iterations, problem: problem, context: context)
                    seconds = (ContinuousClock.now - start).inSeconds
                }
                if let value = cost.allocations { allocations.append(value) }
                if let value = cost.pageFaults { pageFaults.append(value) }
                result.times.append(seconds)
                spent += seconds
                progress(.detail("run \(result.times.count): \(String(format: "%.4g", seconds)) s"))
            }
            // The timed runs must have computed the same field as the warm-up.
            let lastError = gate.error(of: grid)
            result.maxAbsError = max(warmUpError, lastError)
            guard lastError <= gate.tolerance else {
                result.status = .failed
                result.times = []
                result.reason = "a timed run's field differs from the reference by \(String(format: "%.3g", lastError)) (the warm-up's did not): a race?"
                return result
            }
            result.status = .verified
            result.verified = true
            fillTimes(&result, problem)
            if let fewest = allocations.min() { result.allocationsPerRun = Double(fewest) }
            if let fewest = pageFaults.min() { result.pageFaultsPerRun = Double(fewest) }
            result.allocationsPerStep = try meter.steadyStateAllocationsPerStep(schedule, problem, initial, context)
        } catch {
            result.status = .error
            result.reason = String(describing: error)
        }
        return result
    }

    /// Best, median, time per step and throughput from the timed runs.
    private func fillTimes(_ result: inout BenchResult, _ problem: Problem) {
        let sorted = result.times.sorted()
        guard let best = sorted.first else { return }
        result.runs = sorted.count
        result.bestSeconds = best
        result.medianSeconds = sorted.count % 2 == 1
            ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        if plan.iterations > 0 { result.perIterationSeconds = best / Double(plan.iterations) }
        if best > 0 { result.updatesPerSecond = BenchWorkload(problem: problem, iterations: plan.iterations).updates / best }
    }

    private func measurePeers<Scalar: DiffusionScalar>(
        _ problem: Problem, _ initial: Grid<Scalar>, _ gate: Gate, firstPosition: Int, count: Int,
        _ progress: (BenchProgress) -> Void
    ) throws -> [BenchResult] {
        let runner = peerRunner ?? PeerRunner()
        let scratch = try ScratchFolder(prefix: "diffuse-bench-\(ProcessInfo.processInfo.processIdentifier)-")
        let folder = scratch.url
        defer { withExtendedLifetime(scratch) {} }
        let initialPath = folder.appendingPathComponent("initial.npy")
        try NPYFile.write(initial, to: initialPath.path)
        let workload = PeerWorkload(
            rows: problem.rows, cols: problem.cols, iterations: plan.iterations,
            boundary: problem.boundary.description, diffusivity: problem.diffusivity, dt: problem.dt, dx: problem.dx,
            precision: problem.precision,
            initialField: initialPath, outputDirectory: folder.appendingPathComponent("out"),
            budget: plan.budget, minRuns: plan.minimumRuns, threads: plan.threads > 0 ? plan.threads : nil)
        var results: [BenchResult] = []
        for (offset, peer) in plan.peers.enumerated() {
            progress(.entry(name: peer.name, position: firstPosition + offset, count: count))
            var result = BenchResult(
                variant: peer.name, kind: .peer, seedCounterpart: peer.seedCounterpart ?? "(beyond the seed)",
                lesson: peer.lesson, threads: peer.isMultithreaded ? (plan.threads > 0 ? plan.threads : Processors.available) : 1)
            result.tolerance = gate.tolerance
            switch runner.run(peer, workload: workload) {
            case .skipped(let reason):
                result.status = .skipped
                result.reason = reason
            case .failed(let reason, let stderr):
                result.status = .error
                result.reason = stderr.map { "\(reason): \($0)" } ?? reason
            case .ran(let measurement):
                result.threads = measurement.threads
                result.version = measurement.version
                do {
                    let field = try NPYFile.read(path: measurement.output.path, as: Scalar.self)
                    let error = gate.error(of: field)
                    result.maxAbsError = error
                    result.times = measurement.times
                    if error <= gate.tolerance {
                        result.status = .verified
                        result.verified = true
                        fillTimes(&result, problem)
                    } else {
                        // A peer that disagrees is flagged, not hidden: its times stay visible.
                        result.status = .failed
                        result.reason = "max |error| \(String(format: "%.3g", error)) exceeds the gate \(String(format: "%.3g", gate.tolerance))"
                        fillTimes(&result, problem)
                    }
                } catch {
                    result.status = .error
                    result.reason = "its output could not be read: \(error)"
                }
            }
            progress(.finished(result))
            results.append(result)
        }
        return results
    }

    /// Fills throughput and speedups, then sorts: ranked entries fastest
    /// first, then the failed, unsupported, skipped and erroneous ones.
    static func ranked(_ results: [BenchResult]) -> [BenchResult] {
        var results = results
        let baseline = results.first { $0.variant == BenchPlan.baselineName && $0.kind == .swift && $0.isRanked }?.bestSeconds
        for index in results.indices {
            guard let best = results[index].bestSeconds, best > 0 else { continue }
            if let baseline { results[index].speedup = baseline / best }
        }
        let order: [BenchResult.Status] = [.verified, .failed, .unsupported, .skipped, .error]
        return results.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.isRanked != y.isRanked { return x.isRanked }
            if x.isRanked { return x.bestSeconds! < y.bestSeconds! }
            let (i, j) = (order.firstIndex(of: x.status)!, order.firstIndex(of: y.status)!)
            return i != j ? i < j : a.offset < b.offset
        }.map(\.element)
    }

    /// A grid with its own buffer holding `grid`'s values, so a schedule's
    /// first write does not pay for a copy-on-write inside a timed run.
    static func freshCopy<Scalar: DiffusionScalar>(of grid: Grid<Scalar>) -> Grid<Scalar> {
        var copy = Grid<Scalar>(rows: grid.rows, cols: grid.cols)
        copy.assign(from: grid)
        return copy
    }
}

extension Duration {
    /// The duration in seconds.
    public var inSeconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
