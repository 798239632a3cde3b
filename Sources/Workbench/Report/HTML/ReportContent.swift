import DiffusionKit

/// Everything `diffuse report` puts on its page.
public struct ReportContent: Sendable {
    /// The bench: the Wrap Up, the roofline, the machine.
    public var bench: BenchReport
    /// Size sweeps, one per schedule (may be empty).
    public var sweeps: [SweepReport]
    /// Where the sweeps come from ("measured now on this machine", file names).
    public var sweepSource: String
    /// The field of one more run with the fastest verified schedule, or why there is none.
    public var field: FieldFilm?
    public var fieldNote: String?
    /// What reproduces each chart: (what it draws, the command).
    public var commands: [(purpose: String, command: String)]
    /// Where the bench data came from ("measured now", "bench.json").
    public var benchSource: String

    public init(bench: BenchReport, sweeps: [SweepReport] = [], sweepSource: String = "", field: FieldFilm? = nil,
                fieldNote: String? = nil, commands: [(purpose: String, command: String)] = [], benchSource: String = "") {
        self.bench = bench
        self.sweeps = sweeps
        self.sweepSource = sweepSource
        self.field = field
        self.fieldNote = fieldNote
        self.commands = commands
        self.benchSource = benchSource
    }

    /// The fastest verified Swift schedule of the first workload: the one whose field the page shows.
    public var fastestSchedule: String? {
        bench.workloads.first?.results.first { $0.isRanked && $0.kind == .swift }?.variant
    }
}
