import DiffusionKit
import Hardware

extension BenchReport {
    /// Whether a result's rate passed the roof over it (`StencilRoof.aboveRoof`).
    public var hasResultAboveRoof: Bool {
        workloads.contains { $0.results.contains { $0.roof?.aboveRoof == true } }
    }

    /// This report with every ranked entry's roof (`StencilRoof`): its
    /// traffic from the schedule's parameters on the workload (peers: one
    /// step per sweep, as they all are), the bound and the fraction. The
    /// table's "of roof" column and the JSON's `"roof"` come from it.
    public func applying(roofs: MachineRoofs, schedules: [any Schedule], machine: MachineDescription, threads: Int) -> BenchReport {
        var report = self
        report.roofs = roofs
        for w in report.workloads.indices {
            let workload = report.workloads[w].workload
            let precision = Precision(rawValue: workload.precision) ?? .double
            var problem = Problem(rows: workload.rows, cols: workload.cols, precision: precision)
            problem.boundary = (try? Boundary(parsing: workload.boundary)) ?? .periodic
            let context = ExecutionContext(threads: threads, machine: machine)
            for r in report.workloads[w].results.indices {
                let result = report.workloads[w].results[r]
                guard result.isRanked, let rate = result.updatesPerSecond else { continue }
                // A fast-forwarding schedule (spectral, or auto when it chose
                // spectral) does not do the updates its rate counts: no roof
                // of stepping applies to it.
                if result.kind == .swift,
                   let schedule = schedules.first(where: { $0.descriptor.name == result.variant }) ?? (try? ScheduleRegistry.named(result.variant)) {
                    let runs = (schedule as? AutoSchedule)?.choice(for: problem, steps: workload.iterations, context: context) ?? schedule
                    if runs is any FastForwardingSchedule { continue }
                }
                var name = result.kind == .swift ? result.variant : "peer"
                var parameters = PlanParameters(threads: result.threads)
                if result.kind == .swift, let schedule = schedules.first(where: { $0.descriptor.name == result.variant }) {
                    parameters = Planner.parameters(of: schedule, problem: problem, steps: workload.iterations, context: context)
                    if let plan = result.plan { name = plan.schedule }
                }
                let traffic = StencilTraffic(
                    schedule: name, rows: workload.rows, cols: workload.cols, scalarBytes: precision.byteWidth,
                    threads: result.threads, depth: parameters.depth, tileWidth: parameters.tileWidth,
                    folded: parameters.folded ?? false, machine: machine)
                guard let roof = StencilRoof(roofs: roofs, traffic: traffic, precision: precision,
                                             threads: result.threads, attained: rate) else { continue }
                report.workloads[w].results[r].roof = roof
                report.workloads[w].results[r].ceilingKind = roof.bound
                report.workloads[w].results[r].ceilingFraction = roof.fraction
            }
        }
        return report
    }
}
