import DiffusionKit

extension BenchReport {
    /// This report with `auto`'s plan on its entry of each workload, so
    /// that the JSON says what `auto` ran and why (`"plan": {"schedule",
    /// "parameters", "source", "reason"}`).
    public func applying(autoPlans: [Problem: Plan]) -> BenchReport {
        var report = self
        for w in report.workloads.indices {
            let workload = report.workloads[w].workload
            guard let plan = autoPlans.first(where: { problem, _ in
                problem.rows == workload.rows && problem.cols == workload.cols && problem.precision.rawValue == workload.precision
            })?.value else { continue }
            for r in report.workloads[w].results.indices where report.workloads[w].results[r].variant == "auto"
                && report.workloads[w].results[r].kind == .swift {
                report.workloads[w].results[r].plan = plan
            }
        }
        return report
    }
}
