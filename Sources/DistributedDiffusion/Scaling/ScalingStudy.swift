import Foundation

/// Measured strong and weak scaling: `diffuse run --json` launched under
/// `mpirun -np P` for each P, its summaries collected.
///
/// - Strong: the same grid for every P; speedup t₁/t_P, efficiency t₁/(P·t_P).
/// - Weak: the grid grows with P so that every rank keeps the one-rank grid's
///   cells (rows × a, cols × b for the a × b process grid); efficiency t₁/t_P.
/// - Halos: the largest P again with halos 1 deep, beside the chosen depth,
///   to show the messages per step fall h-fold and what that buys.
public struct ScalingStudy {
    /// `mpirun` (or `mpiexec`) and the arguments it gets before `-np`.
    public var launcher: URL
    public var launcherArguments: [String]
    /// The `diffuse` executable the ranks run.
    public var executable: String
    /// `run`'s options except `--size`, `--json` and `--output`.
    public var runArguments: [String]
    public var rows: Int, cols: Int

    public init(launcher: URL, launcherArguments: [String], executable: String, runArguments: [String], rows: Int, cols: Int) {
        self.launcher = launcher
        self.launcherArguments = launcherArguments
        self.executable = executable
        self.runArguments = runArguments
        self.rows = rows
        self.cols = cols
    }

    /// One run's summary, as `diffuse run --json` prints it under mpirun.
    public struct Measurement: Decodable, Sendable {
        public let rows: Int, cols: Int, iterations: Int
        public let ranks: Int
        public let decomposition: [Int]
        public let elapsedSeconds: Double
        public let updatesPerSecond: Double
        public let haloDepth: Int
        public let haloShare: Double
        public let messagesPerStep: Double
        public let haloBytesPerStep: Double
        public let precision: String

        enum CodingKeys: String, CodingKey {
            case rows, cols, iterations, ranks, decomposition, precision
            case elapsedSeconds = "elapsed_s", updatesPerSecond = "updates_per_s", haloDepth = "halo_depth"
            case haloShare = "halo_share", messagesPerStep = "messages_per_step", haloBytesPerStep = "halo_bytes_per_step"
        }

        /// Cell updates per second of one rank while it computes (halo time taken out).
        public var computeRatePerRank: Double {
            let computing = elapsedSeconds * (1 - haloShare)
            return computing > 0 ? Double(rows * cols * iterations) / computing / Double(ranks) : 0
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs the grid `rows × cols` on `ranks` processes, with `extra` options.
    public func measure(ranks: Int, rows: Int, cols: Int, extra: [String] = []) throws(Failure) -> Measurement {
        let process = Process()
        process.executableURL = launcher
        process.arguments = launcherArguments + ["-np", String(ranks), executable, "run"]
            + runArguments + extra + ["--size", "\(rows)x\(cols)", "--json"]
        var environment = ProcessInfo.processInfo.environment
        if getuid() == 0 {
            // Open MPI refuses root without both; MPICH ignores them.
            environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
            environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let command = ([launcher.path] + (process.arguments ?? [])).joined(separator: " ")
        do { try process.run() } catch { throw Failure(description: "cannot start \(launcher.path): \(error.localizedDescription)") }
        // Read both to the end before waiting, so a full pipe never blocks the child.
        let errorData = ReadAll(errors.fileHandleForReading)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorText = String(decoding: errorData.wait(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let line = errorText.split(separator: "\n").first { $0.contains("error") } ?? errorText.split(separator: "\n").first ?? ""
            throw Failure(description: "`\(command)` failed (status \(process.terminationStatus)): \(line)")
        }
        do { return try JSONDecoder().decode(Measurement.self, from: data) } catch {
            throw Failure(description: "`\(command)` printed no run summary: is \(executable) built with the MPI trait?")
        }
    }

    /// The process grid's factors for `ranks` (rows, cols), as the run chooses them.
    public static func weakShape(rows: Int, cols: Int, ranks: Int) -> (rows: Int, cols: Int) {
        let (a, b) = Decomposition.factors(of: ranks)
        return (rows * a, cols * b)
    }
}

/// Reads a file handle to its end on another thread.
private final class ReadAll: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
