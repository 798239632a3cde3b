import Synchronization

/// The second grid of the fast schedules, kept between runs.
///
/// A schedule that swaps two grids needs a scratch grid of the same shape.
/// Allocating it afresh costs more than it seems: the kernel maps new pages,
/// and every first touch is a page fault plus zero-filling — measured here,
/// 2.3 ms for a 640² Double grid (8 % of a 28 ms seed run) and 70–85 ms for
/// 4096² (a third of a 50-step run). The C peer allocates its two buffers once,
/// outside its timing; this pool gives the Swift schedules the same footing.
///
/// The last `maximumSpares` grids given back are kept per precision, of any
/// shapes; `take` hands out one whose shape matches and allocates otherwise,
/// so concurrent runs never share one. (With one spare, a run of another
/// shape beside it — tests side by side — evicted it, and the next run
/// allocated a new grid: the bench's allocation count then charged a
/// schedule for what its neighbours did.) `purge()` frees the spares.
enum ScratchPool {
    private struct Spares: Sendable {
        var double: [Grid<Double>] = []
        var float: [Grid<Float>] = []
    }

    /// Spares kept per precision: a bench's few shapes and a run beside it.
    static let maximumSpares = 4

    private static let spares = Mutex(Spares())

    /// A grid of this shape with unspecified contents, uniquely referenced.
    static func take<Scalar: DiffusionScalar>(rows: Int, cols: Int, as _: Scalar.Type = Scalar.self) -> Grid<Scalar> {
        let spare: Grid<Scalar>? = spares.withLock { spares in
            switch Scalar.precision {
            case .double: remove(rows: rows, cols: cols, from: &spares.double) as? Grid<Scalar>
            case .float: remove(rows: rows, cols: cols, from: &spares.float) as? Grid<Scalar>
            }
        }
        return spare ?? Grid(rows: rows, cols: cols)
    }

    /// Keeps `grid` (which nothing else references) for a later `take`,
    /// dropping the spare given back longest ago beyond `maximumSpares`.
    static func giveBack<Scalar: DiffusionScalar>(_ grid: consuming Grid<Scalar>) {
        let grid = grid
        spares.withLock { spares in
            switch Scalar.precision {
            case .double: if let grid = grid as? Grid<Double> { keep(grid, in: &spares.double) }
            case .float: if let grid = grid as? Grid<Float> { keep(grid, in: &spares.float) }
            }
        }
    }

    /// Frees the spare grids.
    static func purge() {
        spares.withLock { $0 = Spares() }
    }

    private static func remove<Scalar>(rows: Int, cols: Int, from list: inout [Grid<Scalar>]) -> Grid<Scalar>? {
        guard let index = list.lastIndex(where: { $0.rows == rows && $0.cols == cols }) else { return nil }
        return list.remove(at: index)
    }

    /// Appends without allocating once the list has reached its size.
    private static func keep<Scalar>(_ grid: Grid<Scalar>, in list: inout [Grid<Scalar>]) {
        if list.count >= maximumSpares { list.removeFirst() }
        if list.capacity < maximumSpares { list.reserveCapacity(maximumSpares) }
        list.append(grid)
    }
}
