import ArgumentParser
import DiffusionKit
import DistributedDiffusion
import Workbench

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `mpirun -np P diffuse run …`: the run across P processes (DistributedDiffusion).
extension RunCommand {
    /// True when this run goes through MPI: launched by mpirun with MPI built
    /// in, or launched with several processes without it (which is refused).
    var runsUnderMPI: Bool {
        MPILaunch.isLaunched && (MPILaunch.isBuiltIn || (MPILaunch.size ?? 1) > 1)
    }

    /// Runs distributed and prints the summary once, on rank 0. A failure is
    /// printed once (by the rank that met it) and every rank exits with status 1.
    func runDistributed() throws {
        guard MPILaunch.isBuiltIn else {
            throw CommandFailure("this diffuse was built without MPI, so mpirun would start \(MPILaunch.size ?? 0) separate runs: "
                + "build with `\(MPILaunch.buildCommand)` (\(MPILaunch.installHint))")
        }
        guard animate == nil, checkpoint == nil, checkpointEvery == nil, resume == nil else {
            throw CommandFailure("under mpirun, --animate, --checkpoint and --resume are not supported yet: run them with one process")
        }
        if let output, !output.hasSuffix(".npy") {
            throw CommandFailure("under mpirun, --output must be a .npy file (written collectively with MPI-IO), got \(output)")
        }
        if let haloDepth, haloDepth < 1 { throw CommandFailure("--halo-depth must be at least 1, got \(haloDepth)") }
        let problem = try model.problem()
        let iterations = try RunLength.steps(iterations: iterations, time: time, dt: problem.dt)
        let schedule = try ScheduleRegistry.named(variant)
        var snapshots: DistributedRequest.Snapshots? = nil
        if let every, let outputDir {
            let command = self
            snapshots = .init(every: every, folder: outputDir) { command.snapshotPath(step: $0, of: iterations) }
        }
        let request = DistributedRequest(problem: problem, iterations: iterations, schedule: schedule,
                                         threadsPerRank: threads == 0 ? 1 : threads, haloDepth: haloDepth, output: output,
                                         png: png, snapshots: snapshots)
        let outcome: DistributedOutcome
        do {
            outcome = try DistributedRun.run(request) { Terminal.standardError("diffuse: error: \($0)\n") }
        } catch {
            // Already reported, once, by the rank that met it.
            #if canImport(Glibc)
            Glibc.exit(1)
            #else
            Darwin.exit(1)
            #endif
        }
        guard outcome.isRoot else { return }
        let report = DistributedRunReport(
            run: RunReport(problem: problem, variant: schedule.descriptor.name, schedule: outcome.scheduleName,
                           threads: outcome.threadsPerRank, iterations: iterations, elapsed: outcome.elapsedSeconds,
                           initial: outcome.initial, final: outcome.final, files: outcome.files),
            outcome: outcome)
        Terminal.standardOutput(json ? try jsonText(report) : report.text)
    }
}

extension RunCommand {
    /// `DIR/step_NNN.npy`, the step padded to the digits of the last step, as the one-process run names them.
    func snapshotPath(step: Int, of steps: Int) -> String {
        let number = String(step), digits = String(steps).count
        let name = "step_" + String(repeating: "0", count: max(0, digits - number.count)) + number + ".npy"
        let folder = outputDir ?? "."
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

/// `diffuse run`'s report with the distributed facts: `"ranks"`,
/// `"decomposition"` ([rows, cols] of the process grid), the halo depth, its
/// traffic and its share of the time.
struct DistributedRunReport: Encodable {
    let run: RunReport
    let ranks: Int
    let decomposition: [Int]
    let haloDepth: Int
    let haloShare: Double
    let messagesPerStep: Double
    let haloBytesPerStep: Double

    enum CodingKeys: String, CodingKey {
        case ranks, decomposition, haloDepth = "halo_depth", haloShare = "halo_share"
        case messagesPerStep = "messages_per_step", haloBytesPerStep = "halo_bytes_per_step"
    }

    init(run: RunReport, outcome: DistributedOutcome) {
        self.run = run
        ranks = outcome.ranks
        decomposition = [outcome.processRows, outcome.processCols]
        haloDepth = outcome.haloDepth
        haloShare = outcome.haloShare
        messagesPerStep = outcome.messagesPerStep
        haloBytesPerStep = outcome.haloBytesPerStep
    }

    func encode(to encoder: any Encoder) throws {
        try run.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ranks, forKey: .ranks)
        try container.encode(decomposition, forKey: .decomposition)
        try container.encode(haloDepth, forKey: .haloDepth)
        try container.encode(haloShare, forKey: .haloShare)
        try container.encode(messagesPerStep, forKey: .messagesPerStep)
        try container.encode(haloBytesPerStep, forKey: .haloBytesPerStep)
    }

    var text: String {
        let lines = run.text.split(separator: "\n", omittingEmptySubsequences: false)
        // After the "steps" line: how the steps were shared out.
        let extra = [
            "ranks       \(ranks) (\(decomposition[0])×\(decomposition[1]) process grid), halo \(haloDepth) deep: "
                + "\(formatNumber(messagesPerStep)) messages and \(formatBytes(Int(haloBytesPerStep.rounded()))) per step",
            "halo time   \(String(format: "%.1f", haloShare * 100)) % of the slowest rank's elapsed time",
        ]
        var out = Array(lines.prefix(3).map(String.init)) + extra + lines.dropFirst(3).map(String.init)
        if out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }
}
