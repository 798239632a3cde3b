#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small pieces the fast schedules share: how to split rows between
/// threads, the ghost row of a fixed boundary, and the cache size that sets
/// the temporal schedule's depth. Nothing here is in a hot loop.
enum FastSupport {
    /// Without an explicit thread count, each thread gets at least this many
    /// cells: a barrier costs about 0.45 µs on the 2-core Zen 4 (cache-line
    /// ping-pong between cores), and 32768 Double cells take about 7 µs a step,
    /// so synchronisation stays under ~6 %. (At 8192 cells, 128² grids ran
    /// slower on two threads than on one.)
    static let minimumCellsPerThread = 32768

    /// Contiguous row bands for `members` threads, as equal as possible, with
    /// inner boundaries on multiples of 4 (the kernel's strip height) when
    /// there is room, so that no band ends in a short strip but the last.
    static func bands(rows: Int, members: Int) -> [Range<Int>] {
        precondition(members >= 1 && members <= rows)
        let unit = rows >= 8 * members ? 4 : 1
        var bounds = [0]
        for member in 1 ..< members {
            let ideal = rows * member / members
            let aligned = (ideal + unit / 2) / unit * unit
            bounds.append(min(max(aligned, bounds.last! + 1), rows - (members - member)))
        }
        bounds.append(rows)
        return (0 ..< members).map { bounds[$0] ..< bounds[$0 + 1] }
    }

    /// Threads for a `rows × cols` grid: an explicit `context.threads` is
    /// honoured (up to one row per thread); 0 (every core) is capped so that
    /// each thread has `minimumCellsPerThread` cells.
    static func members(context: ExecutionContext, rows: Int, cols: Int) -> Int {
        if context.threads > 0 { return max(1, min(context.threads, rows)) }
        let byWork = max(1, rows * cols / minimumCellsPerThread)
        return max(1, min(Processors.available, byWork, rows))
    }

    /// The level-2 cache of one core in bytes (1 MiB when the system does
    /// not say: a typical size for current x86 and Arm server cores).
    static let level2CacheBytes: Int = cacheBytes(level: 2) ?? 1 << 20

    /// The last-level (L3) cache in bytes (32 MiB when the system does not say).
    static let level3CacheBytes: Int = cacheBytes(level: 3) ?? 32 << 20

    /// The data cache of `level` seen by CPU 0: sysfs on Linux, sysctl on Darwin.
    static func cacheBytes(level: Int) -> Int? {
        #if os(Linux)
        for index in 0 ..< 8 {
            let directory = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
            guard let text = readLine(directory + "level"), text == String(level),
                  let type = readLine(directory + "type"), type != "Instruction",
                  let size = readLine(directory + "size") else { continue }
            if let bytes = parseSize(size) { return bytes }
        }
        #elseif canImport(Darwin)
        var value: Int64 = 0
        var length = MemoryLayout<Int64>.size
        if sysctlbyname("hw.l\(level)cachesize", &value, &length, nil, 0) == 0, value > 0 { return Int(value) }
        #endif
        return nil
    }

    /// "1024K" → 1048576; "32M" → 33554432.
    static func parseSize(_ text: String) -> Int? {
        var digits = text
        var scale = 1
        switch text.last {
        case "K": scale = 1 << 10; digits.removeLast()
        case "M": scale = 1 << 20; digits.removeLast()
        case "G": scale = 1 << 30; digits.removeLast()
        default: break
        }
        guard let value = Int(digits), value > 0 else { return nil }
        return value * scale
    }

    private static func readLine(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return line.trimmingNewline()
    }
}

private extension String {
    func trimmingNewline() -> String {
        var result = self
        while let last = result.last, last == "\n" || last == " " { result.removeLast() }
        return result
    }
}

/// A row of V values for a fixed boundary: the row beyond the first and the
/// last, so that the kernels need no special case for them. Freed on deinit.
final class GhostRow<Scalar: DiffusionScalar> {
    let pointer: UnsafeMutablePointer<Scalar>?

    /// A ghost row for `problem`'s boundary, or none when it is not fixed.
    init(problem: Problem, cols: Int) {
        guard let value = problem.boundary.fixedValue else {
            pointer = nil
            return
        }
        let row = UnsafeMutablePointer<Scalar>.allocate(capacity: cols)
        row.initialize(repeating: Scalar(value), count: cols)
        pointer = row
    }

    deinit { pointer?.deallocate() }
}
