import Foundation
import Hardware

/// likwid-bench (Debian's `likwid`), run beside our own microbenchmarks so
/// that the two can be compared: its `peakflops` and `load`/`copy`/`triad`
/// tests on the same working sets and thread counts.
public enum LikwidBench {
    /// The executable, where it is on the PATH.
    public static var path: String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/likwid-bench" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public static var isInstalled: Bool { path != nil }

    /// How to get it, for "unavailable" messages.
    public static let installHint = "install likwid (Debian: apt-get install likwid) to see likwid-bench's figures beside ours"

    /// likwid-bench's figures for the roofs of `roofs`: peak FMA in both
    /// precisions, and load, copy and triad at each level's working set, on
    /// one thread and on all; `ours` filled from `roofs`.
    public static func figures(for roofs: MachineRoofs, machine: MachineDescription) -> [LikwidFigure] {
        let suffix = machine.vectorBytes >= 64 ? "_avx512" : machine.vectorBytes >= 32 ? "_avx" : "_sse"
        let counts = roofs.threads > 1 ? [1, roofs.threads] : [1]
        var figures: [LikwidFigure] = []
        for threads in counts {
            for (precision, name) in [("double", "peakflops"), ("float", "peakflops_sp")] {
                let test = name + suffix + "_fma"
                if let value = run(test: test, workingSetBytes: 32 << 10, threads: threads, field: "MFlops/s") {
                    let ours = roofs.compute.first { $0.precision.rawValue == precision && $0.operation == .fma && $0.threads == threads }
                    figures.append(LikwidFigure(test: test, roof: "\(precision) fma", threads: threads, workingSetBytes: 32 << 10,
                                                value: value * 1e6, ours: ours?.flopsPerSecond))
                }
            }
            for level in roofs.levels {
                for kernel in ["load", "copy", "triad"] {
                    guard let ourResult = level.bandwidth.first(where: { $0.kernel.rawValue == kernel && $0.threads == threads }) else { continue }
                    let bytes = ourResult.workingSetBytesPerThread * threads
                    let test = kernel + suffix
                    if let value = run(test: test, workingSetBytes: bytes, threads: threads, field: "MByte/s") {
                        figures.append(LikwidFigure(test: test, roof: "\(level.name) \(kernel)", threads: threads,
                                                    workingSetBytes: bytes, value: value * 1e6, ours: ourResult.bytesPerSecond))
                    }
                }
            }
        }
        return figures
    }

    /// Runs `likwid-bench -t test -w N:sizekB:threads` and returns `field`'s value; nil on any failure.
    static func run(test: String, workingSetBytes: Int, threads: Int, field: String) -> Double? {
        guard let path else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-t", test, "-w", "N:\(max(1, workingSetBytes >> 10))kB:\(threads)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return parse(String(decoding: data, as: UTF8.self), field: field)
    }

    /// The number after "field:" on its line ("MFlops/s:\t\t7537.00").
    public static func parse(_ text: String, field: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Double(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
