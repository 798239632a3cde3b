import DiffusionKit
import Foundation
import DiffuseTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs `script` with /bin/sh, `$DIFFUSE` naming the built executable.
private func shell(_ script: String, in directory: String, environment extra: [String: String] = [:]) throws -> DiffuseProcess.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["DIFFUSE"] = DiffuseProcess.executable.path
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return .init(status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                 standardError: String(decoding: errorData, as: UTF8.self))
}

/// A `diffuse` child that the test signals while it runs.
private final class RunningDiffuse {
    let process = Process()
    private let output = Pipe(), error = Pipe()

    init(_ arguments: [String], in directory: String) throws {
        process.executableURL = DiffuseProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = output
        process.standardError = error
        try process.run()
    }

    /// Waits, for at most `seconds`, until `path` exists or the child exits.
    ///
    /// On Linux it blocks on inotify events of the file's folder (a file
    /// renamed into place or created there), so the test neither sleeps nor
    /// spins; elsewhere it checks on every child exit or 1 s timeout.
    func waitFor(file path: String, seconds: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        #if os(Linux)
        let events = inotify_init1(Int32(IN_CLOEXEC))
        defer { if events >= 0 { close(events) } }
        let folder = (path as NSString).deletingLastPathComponent
        if events >= 0 { _ = inotify_add_watch(events, folder, UInt32(IN_CREATE | IN_MOVED_TO)) }
        #endif
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path) { return true }
            if !process.isRunning { return FileManager.default.fileExists(atPath: path) }
            #if os(Linux)
            if events >= 0 {
                // Wake on the next file event in the folder (or after 1 s, to
                // notice a child that exited without writing the file).
                var descriptor = pollfd(fd: events, events: Int16(POLLIN), revents: 0)
                if poll(&descriptor, 1, 1000) > 0 {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    _ = read(events, &buffer, buffer.count)
                }
                continue
            }
            #endif
            process.waitUntilExit()
        }
        return false
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    func finish() -> DiffuseProcess.Result {
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return .init(status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                     standardError: String(decoding: errorData, as: UTF8.self))
    }
}

/// Writes `grid` as a .npy in `folder`.
private func save(_ grid: Grid<Double>, _ name: String, in folder: TemporaryFolder) throws -> String {
    let path = folder.file(name)
    try NPYFile.write(grid, to: path)
    return path
}

@Suite("diffuse survives bad input, limits and interrupts")
struct SurvivalCommandTests {
    // MARK: Defects of the adversarial test, each pinned down

    @Test("a field spanning -1e308…1e308 makes a PNG (it crashed with SIGILL and left .wide.png.tmp-PID-0)")
    func pngOfWideField() async throws {
        let folder = try TemporaryFolder()
        var grid = Grid<Double>(rows: 8, cols: 8)
        grid[0, 0] = -1e308
        grid[1, 1] = 1e308
        _ = try save(grid, "wide.npy", in: folder)
        let result = try await DiffuseProcess.run(["run", "--initial", "file:wide.npy", "--iterations", "0", "--png", "wide.png"], in: folder.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(folder.contents == ["wide.npy", "wide.png"])
    }

    @Test("--threads beyond the limit is one line and status 64 in every command (roofline tripped a precondition)",
          arguments: [["run"], ["roofline"], ["bench"], ["sweep"], ["stat"], ["profile", "--variant", "fused"]])
    func threadLimit(command: [String]) async throws {
        let result = try await DiffuseProcess.run(command + ["--threads", "1000000000"])
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix("diffuse: error: --threads must be 0 (all cores) to "))
        #expect(result.standardError.filter { $0 == "\n" }.count == 1)
    }

    @Test("a 13-byte .npy announcing a 4 GiB header is refused at once, even under ulimit -v")
    func hugeHeader() throws {
        let folder = try TemporaryFolder()
        FileManager.default.createFile(atPath: folder.file("h.npy"), contents: Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x7B]))
        let result = try shell("ulimit -v 3000000; exec \"$DIFFUSE\" run --initial file:h.npy", in: folder.path)
        #expect(result.status == 1)
        #expect(result.standardError.contains("truncated: the header announces 4294967295 bytes"))
    }

    @Test("under ulimit -v a grid beyond the address space is refused with a message, not 'Fatal error: failed to allocate'")
    func addressSpaceLimit() throws {
        let folder = try TemporaryFolder()
        let result = try shell("ulimit -v 2000000; exec \"$DIFFUSE\" run --size 12000 --iterations 1", in: folder.path)
        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("diffuse: error: grid 12000×12000 needs "))
        #expect(!result.standardError.contains("Fatal"))
    }

    @Test("destinations in /proc and /sys fail before the stepping", arguments: ["/proc/x.npy", "/sys/kernel/x.npy"])
    func pseudoFileSystemOutput(path: String) async throws {
        // 10⁹ steps: had the check come after the stepping, this would never end.
        let result = try await DiffuseProcess.run(["run", "--size", "8", "--iterations", "1000000000", "--output", path])
        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("diffuse: error: \(path): "))
    }

    @Test("--output good.npy --png /proc/x.png writes nothing")
    func oneBadDestinationWritesNothing() async throws {
        let folder = try TemporaryFolder()
        let result = try await DiffuseProcess.run(["run", "--size", "8", "--iterations", "2", "--output", "good.npy", "--png", "/proc/x.png"], in: folder.path)
        #expect(result.status == 1)
        #expect(folder.contents.isEmpty)
    }

    @Test("an output name of 250 bytes is written (the temporary name was 13 bytes too long)")
    func longOutputName() async throws {
        let folder = try TemporaryFolder()
        let name = String(repeating: "a", count: 246) + ".npy"
        let result = try await DiffuseProcess.run(["run", "--size", "8", "--iterations", "2", "--output", name], in: folder.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(folder.contents == [name])
    }

    @Test("a symbolic link as --output stays a link; its target gets the field")
    func symlinkOutput() async throws {
        let folder = try TemporaryFolder()
        FileManager.default.createFile(atPath: folder.file("target.npy"), contents: Data())
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.npy"), withDestinationPath: "target.npy")
        let result = try await DiffuseProcess.run(["run", "--size", "8", "--iterations", "2", "--output", "link.npy"], in: folder.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.file("link.npy")) == "target.npy")
        #expect(try NPYFile.read(path: folder.file("target.npy"), as: Double.self).rows == 8)
    }

    @Test("results that cannot be written to standard output (> /dev/full) end in a failure status")
    func fullStandardOutput() throws {
        let folder = try TemporaryFolder()
        let result = try shell("exec \"$DIFFUSE\" run --size 8 --iterations 1 --json > /dev/full", in: folder.path)
        #expect(result.status == 1)
        #expect(result.standardError.contains("cannot write the results to standard output"))
    }

    @Test("an initial field with inf is named as the problem, in run, bench and stat (not the time step, not FAILED rows)",
          arguments: [["run"], ["bench", "--no-roofline", "--iterations", "2"], ["stat", "--iterations", "2"]])
    func nonFiniteInput(command: [String]) async throws {
        let folder = try TemporaryFolder()
        var grid = Grid<Double>(rows: 8, cols: 8, repeating: 1)
        grid[2, 3] = .infinity
        _ = try save(grid, "inf.npy", in: folder)
        let result = try await DiffuseProcess.run(command + ["--initial", "file:inf.npy"], in: folder.path)
        #expect(result.status == 1)
        #expect(result.standardError == "diffuse: error: inf.npy holds 1 non-finite value (NaN or infinity; the first at row 2, column 3): the initial field must be finite\n")
    }

    @Test("a float64 1e300 under --precision float is refused, not silently made inf")
    func floatOverflow() async throws {
        let folder = try TemporaryFolder()
        var grid = Grid<Double>(rows: 8, cols: 8, repeating: 1)
        grid[4, 4] = 1e300
        _ = try save(grid, "big.npy", in: folder)
        let result = try await DiffuseProcess.run(["run", "--initial", "file:big.npy", "--precision", "float"], in: folder.path)
        #expect(result.status == 1)
        #expect(result.standardError.contains("beyond float32's range"))
    }

    @Test("--initial file:/dev/stdin from a pipe, and a FIFO, are read once and work")
    func pipesAndFIFOs() throws {
        let folder = try TemporaryFolder()
        var grid = Grid<Double>(rows: 6, cols: 7)
        grid[3, 3] = 1
        _ = try save(grid, "f.npy", in: folder)
        let piped = try shell("cat f.npy | \"$DIFFUSE\" run --initial file:/dev/stdin --iterations 3 --json", in: folder.path)
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(piped.standardOutput.contains("\"rows\" : 6"))
        let fifo = try shell("mkfifo p && (cat f.npy > p &) && exec \"$DIFFUSE\" run --initial file:p --iterations 3 --output out.npy", in: folder.path)
        #expect(fifo.status == 0, "\(fifo.standardError)")
        #expect(try NPYFile.read(path: folder.file("out.npy"), as: Double.self).cols == 7)
    }

    @Test("messages: --iterations -1, --output-dir '', and the same status (64) for every usage mistake",
          arguments: [
              (["run", "--iterations", "-1"], "diffuse: error: --iterations must be 0 or more, got -1"),
              (["run", "--every", "5", "--output-dir", ""], "diffuse: error: --output-dir is empty: give a folder for the snapshots, e.g. --output-dir snapshots"),
              (["run", "--size", "2"], "diffuse: error: grid 2×2 is too small: each side must be at least 3"),
              (["run", "--variant", "nope"], "diffuse: error: unknown variant 'nope'"),
              (["run", "--threads", "-3"], "diffuse: error: --threads must be 0 (all cores) to "),
              (["run", "--checkpoint", "c.npz", "--checkpoint-every", "0"], "diffuse: error: --checkpoint-every 0: expected a number of steps (e.g. 1000) or a wall time (e.g. 30s, 10m, 2h)"),
              (["run", "--checkpoint", "c.npz", "--checkpoint-every", "10x"], "diffuse: error: --checkpoint-every 10x: expected"),
              (["run", "--checkpoint-every", "10m"], "diffuse: error: --checkpoint-every needs --checkpoint FILE.npz"),
              (["run", "--checkpoint", "c.npy"], "diffuse: error: --checkpoint c.npy: expected a file name ending in .npz"),
          ])
    func usageMessages(arguments: [String], message: String) async throws {
        let result = try await DiffuseProcess.run(arguments)
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix(message), "\(result.standardError)")
    }

    @Test("a missing input file is a failure (status 1), not a usage mistake")
    func runtimeFailureStatus() async throws {
        let result = try await DiffuseProcess.run(["run", "--initial", "file:/nonexistent/x.npy"])
        #expect(result.status == 1)
    }

    @Test("TMPDIR=/proc bench --peers: one line naming the folder, no NSCocoaErrorDomain")
    func unwritableTemporaryDirectory() throws {
        let folder = try TemporaryFolder()
        let result = try shell("exec \"$DIFFUSE\" bench --size 16 --iterations 2 --variants fused --no-roofline --peers", in: folder.path,
                               environment: ["TMPDIR": "/proc"])
        #expect(result.status == 1)
        #expect(result.standardError.hasSuffix("diffuse: error: /proc: cannot create a temporary folder there: No such file or directory (set TMPDIR to a writable folder)\n")
            || result.standardError.contains("cannot create a temporary folder there"))
        #expect(!result.standardError.contains("NSCocoaErrorDomain"))
    }

    // MARK: Signals

    @Test("SIGINT and SIGTERM during --every snapshots: one line, 130/143, a valid checkpoint, no temporary files",
          arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
    func interrupt(signal: Int32, status: Int32, name: String) async throws {
        let folder = try TemporaryFolder()
        let child = try RunningDiffuse(
            ["run", "--size", "128", "--variant", "reference", "--iterations", "100000000", "--every", "25", "--output-dir", "snaps",
             "--checkpoint", "run.npz", "--output", "out.npy"], in: folder.path)
        // Stepping has begun once the snapshot of step 50 exists.
        #expect(child.waitFor(file: folder.file("snaps/step_000000050.npy")))
        child.signal(signal)
        let result = child.finish()
        #expect(result.status == status)
        #expect(result.standardError.hasPrefix("diffuse: interrupted by \(name) at step "))
        #expect(result.standardError.hasSuffix("checkpoint saved to run.npz: resume with: diffuse run --resume run.npz\n"))
        #expect(folder.contents == ["run.npz", "snaps"])
        let snapshots = (try? FileManager.default.contentsOfDirectory(atPath: folder.file("snaps"))) ?? []
        #expect(snapshots.allSatisfy { $0.hasPrefix("step_") && $0.hasSuffix(".npy") })
        let (info, _) = try CheckpointFile.read(path: folder.file("run.npz"))
        #expect(info.step >= 50 && info.iterations == 100_000_000)

        let resumed = try await DiffuseProcess.run(["run", "--resume", "run.npz", "--iterations", "10", "--json"], in: folder.path)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("\"iterations\" : 10"))
    }

    @Test("SIGKILL while checkpoints are being written leaves the previous one whole; the next run removes the dead temporary file")
    func killedMidCheckpoint() async throws {
        let folder = try TemporaryFolder()
        let child = try RunningDiffuse(
            ["run", "--size", "400", "--variant", "fused", "--iterations", "100000000", "--checkpoint", "run.npz", "--checkpoint-every", "1"],
            in: folder.path)
        #expect(child.waitFor(file: folder.file("run.npz")))
        child.signal(SIGKILL)
        _ = child.finish()
        // Whatever the moment, run.npz is a whole checkpoint.
        let (info, _) = try CheckpointFile.read(path: folder.file("run.npz"))
        #expect(info.problem.rows == 400)
        // The next run writing into the folder removes what the killed one left.
        let next = try await DiffuseProcess.run(["run", "--size", "8", "--iterations", "1", "--output", "other.npy"], in: folder.path)
        #expect(next.status == 0)
        #expect(folder.contents == ["other.npy", "run.npz"])
    }

    // MARK: Resume

    @Test("100 steps equal 60 steps, a checkpoint and 40 more, bit for bit",
          arguments: ["reference", "fused", "simd", "parallel", "temporal", "in-place", "roll-add"])
    func resumeIsBitIdentical(variant: String) async throws {
        let folder = try TemporaryFolder()
        let common = ["--size", "23x41", "--boundary", "fixed=0.25", "--initial", "gaussian", "--dt", "0.21", "--variant", variant, "--threads", "2"]
        #expect(try await DiffuseProcess.run(["run"] + common + ["--iterations", "100", "--output", "whole.npy"], in: folder.path).status == 0)
        #expect(try await DiffuseProcess.run(["run"] + common + ["--iterations", "60", "--checkpoint", "c.npz"], in: folder.path).status == 0)
        let resumed = try await DiffuseProcess.run(["run", "--resume", "c.npz", "--iterations", "40", "--output", "resumed.npy", "--threads", "2"], in: folder.path)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let whole = try Data(contentsOf: URL(fileURLWithPath: folder.file("whole.npy")))
        let split = try Data(contentsOf: URL(fileURLWithPath: folder.file("resumed.npy")))
        #expect(whole == split)
    }

    @Test("without --iterations, --resume finishes the interrupted run's steps")
    func resumeToTheEnd() async throws {
        let folder = try TemporaryFolder()
        #expect(try await DiffuseProcess.run(["run", "--size", "10", "--iterations", "30", "--checkpoint", "c.npz", "--checkpoint-every", "10"], in: folder.path).status == 0)
        // Rewind: a checkpoint at step 10 of 30, as an interrupt would leave it.
        #expect(try await DiffuseProcess.run(["run", "--size", "10", "--iterations", "10", "--checkpoint", "early.npz"], in: folder.path).status == 0)
        let result = try await DiffuseProcess.run(["run", "--resume", "early.npz", "--json"], in: folder.path)
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("\"iterations\" : 0"))  // 10 of 10 were asked for: nothing left
        let (info, _) = try CheckpointFile.read(path: folder.file("c.npz"))
        #expect(info.step == 30 && info.iterations == 30)
    }

    @Test("a corrupt, truncated, other-problem or newer-format checkpoint is refused in one line",
          arguments: ["corrupt", "truncated", "other-problem", "newer", "not-a-checkpoint"])
    func resumeRefusals(kind: String) async throws {
        let folder = try TemporaryFolder()
        #expect(try await DiffuseProcess.run(["run", "--size", "12", "--iterations", "5", "--checkpoint", "c.npz"], in: folder.path).status == 0)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("c.npz"))))
        var extra: [String] = []
        var expected = ""
        switch kind {
        case "corrupt":
            bytes[bytes.count - 200] ^= 1
            expected = "corrupt: the field's checksum does not match"
        case "truncated":
            bytes.removeLast(300)
            expected = "truncated"
        case "other-problem":
            extra = ["--size", "13"]
            expected = "holds another problem: it was written for 12×12, not --size 13"
        case "newer":
            // meta.json says version 2; its CRC in the zip header (offset 14) is made to match.
            let text = String(decoding: bytes, as: UTF8.self)
            let metaLength = Int(bytes[18]) | Int(bytes[19]) << 8
            let meta = Array(String(decoding: bytes[39 ..< 39 + metaLength], as: UTF8.self)
                .replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2").utf8)
            #expect(meta.count == metaLength && text.contains("\"version\": 1"))
            bytes.replaceSubrange(39 ..< 39 + metaLength, with: meta)
            let crc = CRC32.checksum(meta)
            for k in 0 ..< 4 { bytes[14 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k)) }
            expected = "written by a newer diffuse (checkpoint format 2"
        default:
            bytes = Array("hello".utf8)
            expected = "not a diffuse checkpoint"
        }
        FileManager.default.createFile(atPath: folder.file("c.npz"), contents: Data(bytes))
        let result = try await DiffuseProcess.run(["run", "--resume", "c.npz"] + extra, in: folder.path)
        #expect(result.status == (kind == "other-problem" ? 64 : 1))
        #expect(result.standardError.hasPrefix("diffuse: error: c.npz"))
        #expect(result.standardError.contains(expected), "\(result.standardError)")
        #expect(result.standardError.filter { $0 == "\n" }.count == 1)
    }

    // MARK: Memory

    @Test("each schedule's declared peak covers what a run really holds (peak RSS of two sizes, per grid)",
          arguments: ["reference", "nested", "whole-array", "in-place", "fused", "temporal"])
    func measuredPeak(variant: String) async throws {
        // The run's own VmHWM (its JSON's peak_memory_bytes): a child's
        // ru_maxrss would include the test runner's size at the fork.
        func peakBytes(side: Int) async throws -> Int {
            // Planned for an explicit machine: temporal's rings and tiles follow its caches.
            let result = try await DiffuseProcess.run(["run", "--size", String(side), "--variant", variant, "--iterations", "1",
                                                       "--threads", "2", "--json"] + DiffuseProcess.machineArguments)
            let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
            return try #require(object?["peak_memory_bytes"] as? Int)
        }
        let (small, large) = (256, 1024)
        let (largePeak, smallPeak) = (try await peakBytes(side: large), try await peakBytes(side: small))
        let measured = Double(largePeak - smallPeak) / Double((large * large - small * small) * 8)
        let declared = Double(try ScheduleRegistry.named(variant).peakGrids(for: Problem(rows: large, cols: large)) + 1)
        #expect(declared >= measured - 0.25, "\(variant): declared \(declared) grids, measured \(measured)")
        #expect(declared <= measured + 1.5, "\(variant): declared \(declared) grids, far above the measured \(measured)")
    }
}
