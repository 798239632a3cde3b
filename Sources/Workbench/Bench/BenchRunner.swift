import DiffusionKit
import Hardware
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
    /// A line about the bench as a whole ("timing 4 schedules in turns…").
    case note(String)
}

/// Runs a `BenchPlan`: the correctness gate, then the timing protocol.
///
/// For each workload the reference solver computes the final field once.
/// Then, for each schedule: a warm-up run, whose field is compared with the
/// reference's (a schedule outside `Verification.tolerance` is FAILED and
/// never timed). Then the timed runs of the full workload, each starting
/// again from the initial field, for all schedules that passed *in turns*
/// (one run each per round, `Sampler.run(interleaving:)`), each until its
/// `budget` seconds are spent and at least `minimumRuns` runs are done; the
/// best and the median are reported, and every timed run's field is checked
/// again. Peers run after them, one after another, under the same protocol
/// in their own processes, and hand back their final field, which is
/// compared with the reference's in the same way.
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
        return BenchReport(machine: machine, date: date, workloads: workloads)
    }

    private func measure<Scalar: DiffusionScalar>(
        _ problem: Problem, _: Scalar.Type, _ progress: (BenchProgress) -> Void
    ) throws -> BenchWorkloadResults {
        let workload = try Workload<Scalar>(problem: problem, steps: plan.iterations)
        progress(.reference(workload: "\(problem.rows)×\(problem.cols)"))
        let gate = try workload.gate

        let count = plan.schedules.count + plan.peers.count
        var results = measureSchedules(workload, gate, count: count, progress)
        if !plan.peers.isEmpty {
            let peerResults = try measurePeers(workload, gate, firstPosition: plan.schedules.count + 1, count: count, progress)
            results += peerResults
        }
        return BenchWorkloadResults(
            workload: BenchWorkload(problem: problem, iterations: plan.iterations),
            referenceSeconds: workload.referenceSeconds ?? 0, results: Self.ranked(results))
    }

    /// A schedule that passed its warm-up and gate, waiting for its timed runs.
    private struct Verified {
        var index: Int
        var schedule: any Schedule
        var allocations: [Int] = []
        var pageFaults: [Int] = []
        var worstError: Double
    }

    /// The schedules of one workload: each one's warm-up and gate, one after
    /// another; then the timed runs of all that passed, in turns
    /// (`Sampler.run(interleaving:)`), so that the ratios between them are
    /// not the machine's changing load; then each one's allocation count.
    private func measureSchedules<Scalar: DiffusionScalar>(
        _ workload: Workload<Scalar>, _ gate: Gate<Scalar>, count: Int, _ progress: (BenchProgress) -> Void
    ) -> [BenchResult] {
        let problem = workload.problem
        let context = ExecutionContext(threads: plan.threads, machine: plan.machine)
        var results: [BenchResult] = []
        var verified: [Verified] = []
        for (index, schedule) in plan.schedules.enumerated() {
            progress(.entry(name: schedule.descriptor.name, position: index + 1, count: count))
            let result = warmUp(schedule, workload, gate, context)
            if result.status == .verified {
                // Its entry is completed once its timed runs are done, below.
                verified.append(Verified(index: index, schedule: schedule, worstError: result.maxAbsError ?? 0))
                progress(.detail("verified (max |error| \(String(format: "%.2g", result.maxAbsError ?? 0)))"))
            } else {
                progress(.finished(result))
            }
            results.append(result)
        }
        guard !verified.isEmpty else { return results }
        if verified.count > 1 { progress(.note("timing \(verified.count) schedules in turns…")) }

        // Timed runs of the full workload until each one's budget is spent;
        // each starts from the initial field, reset outside the timing, and
        // the meter's own reads stay outside it too. Every run's field is
        // checked (outside the timing): the grid is shared, and a schedule
        // whose timed run differs from its warm-up has a race.
        var grid = workload.freshGrid()
        var runs = 0
        let outcomes = withoutActuallyEscaping(progress) { progress in
            timeInTurns(verified.indices.map { slot in
                {
                    let schedule = verified[slot].schedule
                    grid.assign(from: workload.initial)
                    var nanoseconds: UInt64 = 0
                    let cost = try meter.measure {
                        let start = PerfClock.monotonicNanoseconds()
                        try schedule.run(&grid, steps: plan.iterations, problem: problem, context: context)
                        nanoseconds = PerfClock.monotonicNanoseconds() &- start
                    }
                    let error = gate.error(of: grid)
                    guard gate.accepts(error: error) else { throw TimedRunDiffers(error: error) }
                    verified[slot].worstError = max(verified[slot].worstError, error)
                    if let value = cost.allocations { verified[slot].allocations.append(value) }
                    if let value = cost.pageFaults { verified[slot].pageFaults.append(value) }
                    runs += 1
                    progress(.detail("run \(runs): \(schedule.descriptor.name) \(String(format: "%.4g", Double(nanoseconds) / 1e9)) s"))
                    return nanoseconds
                }
            })
        }
        for (slot, outcome) in outcomes.enumerated() {
            let entry = verified[slot]
            var result = results[entry.index]
            result.maxAbsError = entry.worstError
            switch outcome {
            case .success(let samples):
                result.status = .verified
                result.verified = true
                result.times = samples.samples
                fillTimes(&result, problem)
                if let fewest = entry.allocations.min() { result.allocationsPerRun = Double(fewest) }
                if let fewest = entry.pageFaults.min() { result.pageFaultsPerRun = Double(fewest) }
                do {
                    result.allocationsPerStep = try meter.steadyStateAllocationsPerStep(entry.schedule, workload, context)
                } catch {
                    result.status = .error
                    result.reason = String(describing: error)
                }
            case .failure(let error as TimedRunDiffers):
                result.status = .failed
                result.maxAbsError = max(entry.worstError, error.error)
                result.reason = "a timed run's field differs from the reference by \(String(format: "%.3g", error.error)) (the warm-up's did not): a race?"
            case .failure(let error):
                result.status = .error
                result.reason = String(describing: error)
            }
            progress(.finished(result))
            results[entry.index] = result
        }
        return results
    }

    /// The bench's sampler (no warm-up: each schedule had its own) over
    /// `bodies` in turns; a configuration error fails every one.
    private func timeInTurns(_ bodies: [() throws -> UInt64]) -> [Result<SampleSet, any Error>] {
        let sampler = Sampler(warmupRuns: 0, minimumRuns: plan.minimumRuns, budget: .seconds(plan.budget))
        do {
            return try sampler.run(interleaving: bodies)
        } catch {
            return bodies.map { _ in .failure(error) }
        }
    }

    /// A timed run's field outside the gate that the warm-up's passed.
    private struct TimedRunDiffers: Error {
        var error: Double
    }

    /// The result of `schedule`'s warm-up run and correctness gate:
    /// `.verified` (not yet timed), `.unsupported`, `.failed` or `.error`.
    private func warmUp<Scalar: DiffusionScalar>(
        _ schedule: any Schedule, _ workload: Workload<Scalar>, _ gate: Gate<Scalar>, _ context: ExecutionContext
    ) -> BenchResult {
        let problem = workload.problem
        let descriptor = schedule.descriptor
        var result = BenchResult(
            variant: descriptor.name, kind: .swift, seedCounterpart: descriptor.seedCounterpart,
            lesson: descriptor.lesson, threads: schedule.threads(for: problem, context: context))
        result.tolerance = gate.tolerance
        if let reason = workload.limitation(of: schedule) {
            result.status = .unsupported
            result.reason = reason
            return result
        }
        do {
            var grid = workload.freshGrid()
            try schedule.run(&grid, steps: plan.iterations, problem: problem, context: context)
            let error = gate.error(of: grid)
            result.maxAbsError = error
            if gate.accepts(error: error) {
                result.status = .verified
            } else {
                result.status = .failed
                result.reason = gate.failure(variant: descriptor.name, error: error).summary
            }
        } catch {
            result.status = .error
            result.reason = String(describing: error)
        }
        return result
    }

    /// Best, median, time per step and throughput from the timed runs
    /// (PerfKit's `Statistics`: the median of an even count is the mean of
    /// the middle two).
    private func fillTimes(_ result: inout BenchResult, _ problem: Problem) {
        guard let statistics = try? Statistics(result.times) else { return }
        let best = statistics.min
        result.runs = statistics.count
        result.bestSeconds = best
        result.medianSeconds = statistics.median
        if plan.iterations > 0 { result.perIterationSeconds = best / Double(plan.iterations) }
        if best > 0 { result.updatesPerSecond = BenchWorkload(problem: problem, iterations: plan.iterations).updates / best }
    }

    private func measurePeers<Scalar: DiffusionScalar>(
        _ workload: Workload<Scalar>, _ gate: Gate<Scalar>, firstPosition: Int, count: Int,
        _ progress: (BenchProgress) -> Void
    ) throws -> [BenchResult] {
        let problem = workload.problem
        let runner = peerRunner ?? PeerRunner()
        let scratch = try ScratchFolder(prefix: "diffuse-bench-\(ProcessInfo.processInfo.processIdentifier)-")
        let folder = scratch.url
        defer { withExtendedLifetime(scratch) {} }
        let initialPath = folder.appendingPathComponent("initial.npy")
        try NPYFile.write(workload.initial, to: initialPath.path)
        let peerWorkload = PeerWorkload(
            rows: problem.rows, cols: problem.cols, iterations: plan.iterations,
            boundary: problem.boundary, diffusivity: problem.diffusivity, dt: problem.dt, dx: problem.dx,
            precision: problem.precision,
            initialField: initialPath, outputDirectory: folder.appendingPathComponent("out"),
            budget: plan.budget, minRuns: plan.minimumRuns, threads: plan.threads > 0 ? plan.threads : nil)
        var results: [BenchResult] = []
        for (offset, peer) in plan.peers.enumerated() {
            progress(.entry(name: peer.name, position: firstPosition + offset, count: count))
            var result = BenchResult(
                variant: peer.name, kind: .peer, seedCounterpart: peer.seedCounterpart ?? "(beyond the seed)",
                lesson: peer.lesson, threads: peer.isMultithreaded ? (plan.threads > 0 ? plan.threads : plan.machine.cores) : 1)
            result.tolerance = gate.tolerance
            switch runner.run(peer, workload: peerWorkload) {
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
                    if gate.accepts(error: error) {
                        result.status = .verified
                        result.verified = true
                        fillTimes(&result, problem)
                    } else {
                        // A peer that disagrees is flagged, not hidden: its times stay visible.
                        result.status = .failed
                        result.reason = gate.failure(variant: peer.name, error: error).summary
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
}

extension Duration {
    /// The duration in seconds.
    public var inSeconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
