import Hardware

/// Makes plans: the rule of thumb (`estimate`) and the measuring planner
/// (`measure`), modelled on FFTW's ESTIMATE and MEASURE.
///
/// Neither reads the host: the machine is `context.machine`, and `measure`
/// times candidates only through the `PlanTimer` it is given, so that tests
/// can count its runs and give it any speeds.
public enum Planner {
    // MARK: Estimate

    /// The plan the machine's facts suggest, without running anything:
    ///
    /// - fewer than `FastSupport.minimumCellsPerThread` cells: `simd` on one
    ///   thread (a barrier per step would cost more than a second thread saves);
    /// - otherwise `temporal`, with `TemporalPlan`'s threads, depth and tiles
    ///   for the machine's cores and caches: one step per sweep where both
    ///   grids fit the cores' L2 caches, 8 where they fit the last level, 16
    ///   beyond it.
    public static func estimate(for problem: Problem, steps: Int, context: ExecutionContext) -> Plan {
        let cells = problem.cellCount
        if cells < FastSupport.minimumCellsPerThread {
            return Plan(schedule: "simd", parameters: .init(threads: 1), source: .estimate,
                        reason: "estimate: \(cells) cells, under \(FastSupport.minimumCellsPerThread): one core without a thread team")
        }
        let scalarBytes = problem.precision.byteWidth
        let plan = TemporalPlan(rows: problem.rows, cols: problem.cols, scalarBytes: scalarBytes,
                                steps: max(1, steps), context: context)
        let machine = context.machine
        let gridsBytes = 2 * problem.cellCount * scalarBytes
        let fit: String
        if gridsBytes <= plan.bands.count * TemporalPlan.ringBudgetBytes(machine) {
            fit = "both grids (\(formatBytes(gridsBytes))) fit the cores' L2: one step per sweep"
        } else if gridsBytes <= machine.lastLevelBytes {
            fit = "both grids (\(formatBytes(gridsBytes))) fit the last-level cache (\(formatBytes(machine.lastLevelBytes)))"
        } else {
            fit = "both grids (\(formatBytes(gridsBytes))) exceed the last-level cache (\(formatBytes(machine.lastLevelBytes)))"
        }
        return Plan(schedule: "temporal", parameters: parameters(of: plan, cols: problem.cols),
                    source: .estimate, reason: "estimate: \(fit)")
    }

    /// The explicit parameters that reproduce a temporal plan; `folded`
    /// only where the plan could fold its rows (`foldable`), so that a plan
    /// read back elsewhere does not carry a choice it never had.
    static func parameters(of plan: TemporalPlan, cols: Int) -> PlanParameters {
        PlanParameters(threads: plan.bands.count, depth: plan.depth,
                       tileWidth: plan.isTiled ? plan.tiles.map(\.count).max()! : cols,
                       folded: plan.foldable ? plan.folded : nil)
    }

    // MARK: Measure

    /// How much time measuring may take.
    public struct Budget: Sendable, Hashable {
        /// Seconds of timed candidate runs at most.
        public var seconds: Double
        /// At most this fraction of the expected run (the estimate's time per
        /// step × the run's steps); nil for no such cap (`diffuse tune`,
        /// which runs nothing afterwards).
        public var fractionOfRun: Double?

        public init(seconds: Double, fractionOfRun: Double?) {
            self.seconds = seconds
            self.fractionOfRun = fractionOfRun
        }

        /// `--plan measure`'s default: 2 s, and at most 10 % of the run.
        public static let run = Budget(seconds: 2, fractionOfRun: 0.1)
    }

    /// One timed candidate.
    public struct Trial: Sendable, Hashable, Codable {
        public var plan: Plan
        /// Steps per timed run.
        public var steps: Int
        /// The best of its runs, per step.
        public var secondsPerStep: Double

        enum CodingKeys: String, CodingKey { case plan, steps, secondsPerStep = "seconds_per_step" }
    }

    /// What `measure` did: the plan it chose and every candidate it timed.
    public struct Measurement: Sendable {
        public var plan: Plan
        public var trials: [Trial]
        /// Timed runs (the estimate's calibration included).
        public var runs: Int
        /// Seconds those runs took, by the timer.
        public var spentSeconds: Double
        /// The seconds it was allowed.
        public var budgetSeconds: Double
        /// Candidates left untimed for want of budget.
        public var untimed: Int
    }

    /// The candidates worth timing for `problem`, most promising first: the
    /// estimate; `simd`; `parallel` on every core and on half of them;
    /// `temporal` at depths 2, 4, 8, 16 and 32 (each at most a quarter of a
    /// band and at most `steps`) on those thread counts, with the tiles the
    /// cache budget gives; and, at the estimate's thread count, at its depth
    /// and at those depths within a factor of two of it, `temporal` with
    /// tiles half and one and a half times as wide as the budget gives (or
    /// half the row, where whole rows fit): how wide a tile should be
    /// depends on how much of the wavefront the L1 and L2 hold, which no rule
    /// of thumb knows on every machine (see `TemporalPlan.ringBudgetBytes`).
    /// Every whole-row `temporal` candidate whose rows can fold is tried
    /// both folded and not: the rule (`TemporalPlan.foldsByDefault`) was
    /// measured on two machines only, and others may differ.
    /// An explicit `context.threads` is the only thread count tried.
    /// Duplicates are dropped.
    public static func candidates(for problem: Problem, steps: Int, context: ExecutionContext) -> [Plan] {
        let estimate = estimate(for: problem, steps: steps, context: context)
        var list = [estimate]
        func add(_ plan: Plan) {
            if !list.contains(where: { $0.schedule == plan.schedule && $0.parameters == plan.parameters }) { list.append(plan) }
        }
        func temporal(_ threads: Int, _ depth: Int, tileWidth: Int? = nil, folded: Bool? = nil) -> Plan {
            var fixed = context
            fixed.threads = threads
            let plan = TemporalPlan(rows: problem.rows, cols: problem.cols, scalarBytes: problem.precision.byteWidth,
                                    steps: steps, context: fixed, depth: depth, tileWidth: tileWidth, folded: folded)
            return Plan(schedule: "temporal", parameters: parameters(of: plan, cols: problem.cols), source: .measured, reason: "")
        }
        // The estimate with its rows the other way: the closest contender.
        if estimate.schedule == "temporal", let folded = estimate.parameters.folded,
           let threads = estimate.parameters.threads, let depth = estimate.parameters.depth {
            add(temporal(threads, depth, folded: !folded))
        }
        add(Plan(schedule: "simd", parameters: .init(threads: 1), source: .measured, reason: ""))
        let cores = context.threads > 0 ? context.threads : context.machine.cores
        let threadCounts = context.threads > 0 ? [cores] : Array(Set([cores, max(1, cores / 2)])).sorted(by: >)
        for threads in threadCounts where threads <= problem.rows {
            add(Plan(schedule: "parallel", parameters: .init(threads: threads), source: .measured, reason: ""))
        }
        let depths = [2, 4, 8, 16, 32]
        for threads in threadCounts where threads <= problem.rows {
            for depth in depths where depth <= steps && depth <= problem.rows / threads / 4 {
                let plan = temporal(threads, depth)
                add(plan)
                if let folded = plan.parameters.folded { add(temporal(threads, depth, folded: !folded)) }
            }
        }
        // Tile widths around the budget's, where the estimate blocks in time.
        if estimate.schedule == "temporal", let threads = estimate.parameters.threads,
           let estimateDepth = estimate.parameters.depth, estimateDepth > 1 {
            // The estimate's own depth too: it need not be one of `depths`
            // (50 steps at about 16 sweep 17 deep, `TemporalPlan.sweepDepth`).
            for depth in Set(depths + [estimateDepth]).sorted() where depth * 2 >= estimateDepth && depth <= estimateDepth * 2
                && depth <= steps && depth <= problem.rows / threads / 4 {
                let budgetWidth = temporal(threads, depth).parameters.tileWidth ?? problem.cols
                let widths = budgetWidth < problem.cols
                    ? [budgetWidth / 2, budgetWidth * 3 / 2]
                    : [problem.cols / 2]
                for width in widths where width >= TemporalPlan.minimumCandidateTileWidth && width < problem.cols {
                    add(temporal(threads, depth, tileWidth: width))
                }
            }
        }
        return list
    }

    /// `measure(_:steps:context:budget:timer:)` with a `GridPlanTimer` on
    /// the problem's own initial field, in its precision.
    public static func measure(
        _ problem: Problem, steps: Int, context: ExecutionContext, budget: Budget
    ) throws -> Measurement {
        switch problem.precision {
        case .double:
            try measure(problem, steps: steps, context: context, budget: budget,
                        timer: try GridPlanTimer<Double>(problem: problem, context: context))
        case .float:
            try measure(problem, steps: steps, context: context, budget: budget,
                        timer: try GridPlanTimer<Float>(problem: problem, context: context))
        }
    }

    /// Times `candidates(for:steps:context:)` with `timer` and returns the
    /// fastest per step, within `budget`.
    ///
    /// Protocol: the estimate is run twice on a few steps (at most a
    /// twentieth of the run, at least 2): the first run warms the thread
    /// team and the scratch grids, the second gives the estimate's time per
    /// step, from which the budget's cap (a fraction of the expected run)
    /// and every candidate's expected cost follow. Then rounds of successive
    /// halving: each round times every surviving candidate once, on as many
    /// steps as a share of the budget allows (at least two sweeps of a
    /// temporal candidate, at most the run's steps; where the share holds
    /// several whole runs, up to `maximumRepeats` of them), and keeps the
    /// faster half (by each one's best run so far) — so the budget goes where the
    /// decision is close, and a burst of noise on a shared machine, which
    /// slows the runs of one moment, cannot by itself decide: a contender
    /// slowed once is timed again in the next round. Rounds go on until one
    /// remains, at most `maximumRounds`; a run is started only while its
    /// expected cost (its last run's time, or the estimate's × the thread
    /// shortfall) still fits what is left, less what the final needs. Then a
    /// final: the fastest so far and the estimate, in turns, `finalRuns` runs
    /// each. The final decides between them by the best of its own runs,
    /// which met the same moments of the machine's load: a contender's best
    /// from the rounds may come from a quiet moment the estimate never met
    /// (on the shared 2-core machine a noisy `diffuse tune` once chose a plan
    /// that then ran 1.5× slower than the estimate). A candidate must beat
    /// the estimate by `margin` to replace it, so that timing noise does not
    /// flip a plan. Where the budget left no final, the bests of the rounds
    /// decide.
    public static func measure(
        _ problem: Problem, steps: Int, context: ExecutionContext, budget: Budget,
        timer: some PlanTimer, maximumRounds: Int = 6, maximumRepeats: Int = 5, finalRuns: Int = 3,
        margin: Double = 0.02
    ) throws -> Measurement {
        let steps = max(1, steps)
        let candidates = candidates(for: problem, steps: steps, context: context)
        let estimate = candidates[0]
        var runs = 0
        var spent = 0.0
        func time(_ plan: Plan, _ steps: Int) throws -> Double {
            let seconds = try timer.seconds(running: plan, steps: steps)
            runs += 1
            spent += seconds
            return seconds
        }
        // Calibration: a few steps of the estimate, twice.
        let calibrationSteps = max(1, min(steps, max(2, steps / 20)))
        _ = try time(estimate, calibrationSteps)
        let estimatePerStep = max(1e-12, try time(estimate, calibrationSteps) / Double(calibrationSteps))
        var allowed = budget.seconds
        if let fraction = budget.fractionOfRun { allowed = min(allowed, fraction * estimatePerStep * Double(steps)) }
        allowed = max(allowed, 0)

        // Successive halving runs about twice as many runs as candidates.
        // Where a share of the budget holds several whole runs (short runs,
        // or `diffuse tune`'s seconds), a contender runs that many times a
        // round, at most `maximumRepeats`, and counts its best: one run of a
        // few milliseconds says little on a shared machine.
        let share = allowed / Double(max(1, 2 * candidates.count + 2 * finalRuns))
        let wanted = Int((share / estimatePerStep).rounded(.down))
        let repeats = max(1, min(maximumRepeats, wanted / steps))
        var contenders = candidates.map { plan in
            // A single thread may be `cores` times slower than the estimate.
            let slowdown = Double(max(1, context.machine.cores / max(1, plan.parameters.threads ?? context.machine.cores)))
            let minimumSteps = min(steps, 2 * (plan.parameters.depth ?? 1))
            return Contender(plan: plan, steps: max(minimumSteps, min(steps, wanted)),
                             expectedPerStep: estimatePerStep * slowdown)
        }
        /// Runs contender `index` once if its expected cost fits what is
        /// left of `limit` seconds; its time per step, or nil when it does not fit.
        func runContender(_ index: Int, within limit: Double) throws -> Double? {
            let contender = contenders[index]
            guard spent + contender.expectedPerStep * Double(contender.steps) <= limit else { return nil }
            let perStep = try time(contender.plan, contender.steps) / Double(contender.steps)
            contenders[index].best = min(contender.best, perStep)
            contenders[index].expectedPerStep = perStep
            return perStep
        }
        // The final's shares of the budget, kept from the rounds.
        let finalReserve = Double(2 * finalRuns) * share
        /// The timed contender with the best run so far.
        func leader() -> Int? {
            contenders.indices.filter { contenders[$0].best.isFinite }.min { contenders[$0].best < contenders[$1].best }
        }

        var survivors = Array(contenders.indices)
        for _ in 0 ..< maximumRounds {
            var timed: [Int] = []
            for index in survivors {
                for _ in 0 ..< repeats {
                    guard try runContender(index, within: allowed - finalReserve) != nil else { break }
                    if timed.last != index { timed.append(index) }
                }
            }
            guard !timed.isEmpty else { break }
            let ranked = timed.sorted { contenders[$0].best < contenders[$1].best }
            survivors = Array(ranked.prefix(max(1, (ranked.count + 1) / 2)))
            if survivors.count == 1 { break }
        }

        // The final, head to head: the leader against the estimate, in
        // turns, `finalRuns` each while the budget lasts. Leaving the rule of
        // thumb should rest on more than the rounds' few runs of each.
        var final: (leader: Int, leaderBest: Double, estimateBest: Double)?
        if let leader = leader(), leader != 0, contenders[0].best.isFinite {
            var estimateBest = Double.infinity, leaderBest = Double.infinity
            for _ in 0 ..< finalRuns {
                guard let estimateRun = try runContender(0, within: allowed),
                      let leaderRun = try runContender(leader, within: allowed) else { break }
                estimateBest = min(estimateBest, estimateRun)
                leaderBest = min(leaderBest, leaderRun)
            }
            if leaderBest.isFinite { final = (leader, leaderBest, estimateBest) }
        }

        var trials: [Trial] = []
        for contender in contenders where contender.best.isFinite {
            var plan = contender.plan
            plan.source = .measured
            trials.append(Trial(plan: plan, steps: contender.steps, secondsPerStep: contender.best))
        }
        let untimed = contenders.count - trials.count
        // The fastest by its best run: noise on a shared machine only ever
        // slows a run down, so a best run is the least disturbed estimate.
        guard let fastestIndex = leader() else {
            var plan = estimate
            plan.reason = "\(estimate.reason) (a measuring budget of \(describeSeconds(allowed)) timed no candidate: "
                + "one step of the estimate takes \(describeSeconds(estimatePerStep)))"
            return Measurement(plan: plan, trials: trials, runs: runs, spentSeconds: spent,
                               budgetSeconds: allowed, untimed: untimed)
        }
        let fastest = contenders[fastestIndex]
        let estimateBest = contenders[0].best.isFinite ? contenders[0].best : nil
        var chosen = fastest
        // The figures the choice rests on: the final's bests where it ran.
        let figures: (chosen: Double, estimate: Double)?
        if let final {
            chosen = contenders[final.leaderBest <= final.estimateBest * (1 - margin) ? final.leader : 0]
            figures = (chosen.plan == estimate ? final.estimateBest : final.leaderBest, final.estimateBest)
        } else {
            if let estimateBest, fastest.best > estimateBest * (1 - margin) { chosen = contenders[0] }
            figures = estimateBest.map { (chosen.best, $0) }
        }
        var plan = chosen.plan
        plan.source = .measured
        plan.reason = "measured: fastest of \(trials.count) candidates"
            + (untimed > 0 ? " (\(untimed) left untimed by the budget)" : "")
            + ", \(describeSeconds(figures?.chosen ?? chosen.best)) per step"
            + (figures.map { chosen.plan == estimate ? "; it is the estimate" : " against the estimate's \(describeSeconds($0.estimate))" } ?? "")
            + (final != nil ? " (head to head)" : "")
        return Measurement(plan: plan, trials: trials, runs: runs, spentSeconds: spent, budgetSeconds: allowed, untimed: untimed)
    }
}

/// A candidate of `Planner.measure`: its plan, the steps of its runs, what
/// its next run is expected to cost per step, and its best run so far.
private struct Contender {
    var plan: Plan
    var steps: Int
    var expectedPerStep: Double
    var best = Double.infinity
}

/// Times a plan on a workload: what the measuring planner runs candidates with.
public protocol PlanTimer {
    /// Seconds `plan`'s schedule takes to advance the workload's initial
    /// field by `steps` steps (the set-up, such as restoring the field, not
    /// counted).
    func seconds(running plan: Plan, steps: Int) throws -> Double
}

/// Times plans on a grid of the workload's own shape, precision, boundary
/// and initial field, with the monotonic clock.
public final class GridPlanTimer<Scalar: DiffusionScalar>: PlanTimer {
    let problem: Problem
    let context: ExecutionContext
    let initial: Grid<Scalar>
    var grid: Grid<Scalar>

    public init(problem: Problem, context: ExecutionContext) throws(DiffusionError) {
        self.problem = problem
        self.context = context
        initial = try problem.makeInitialGrid(Scalar.self)
        grid = Grid<Scalar>(rows: problem.rows, cols: problem.cols)
    }

    public func seconds(running plan: Plan, steps: Int) throws -> Double {
        let schedule = try plan.makeSchedule()
        grid.assign(from: initial)
        let clock = ContinuousClock()
        let start = clock.now
        try schedule.run(&grid, steps: steps, problem: problem, context: context)
        let elapsed = start.duration(to: clock.now)
        let (whole, attoseconds) = elapsed.components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

/// "41.2 µs", "1.5 ms", "2.1 s".
func describeSeconds(_ seconds: Double) -> String {
    func one(_ value: Double) -> String { "\(Double(Int((value * 10).rounded())) / 10)" }
    if seconds >= 1 { return one(seconds) + " s" }
    if seconds >= 1e-3 { return one(seconds * 1e3) + " ms" }
    return one(seconds * 1e6) + " µs"
}
