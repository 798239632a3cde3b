/// Small pieces the fast schedules share: how many threads to use and how
/// to split rows between them, and the ghost row of a fixed boundary.
/// Nothing here is in a hot loop.
enum FastSupport {
    /// Without an explicit thread count, each thread gets at least this many
    /// cells. Measured on a 2-core Zen 4 (see RESULTS.md): a barrier cost
    /// about 0.45 µs (cache-line ping-pong between cores), and 32768 Double
    /// cells took about 7 µs a step, so synchronisation stayed under ~6 %; at
    /// 8192 cells, 128² grids ran slower on two threads than on one.
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
    /// honoured (up to one row per thread); 0 (every core of
    /// `context.machine`) is capped so that each thread has
    /// `minimumCellsPerThread` cells.
    static func members(context: ExecutionContext, rows: Int, cols: Int) -> Int {
        if context.threads > 0 { return max(1, min(context.threads, rows)) }
        let byWork = max(1, rows * cols / minimumCellsPerThread)
        return max(1, min(context.machine.cores, byWork, rows))
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
