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
/// One spare grid per precision is kept (the last one given back, of any
/// shape); `take` hands it out when the shape matches and allocates
/// otherwise, so concurrent runs never share one. `purge()` frees the spares.
enum ScratchPool {
    private struct Spares: Sendable {
        var double: Grid<Double>?
        var float: Grid<Float>?
    }

    private static let spares = Mutex(Spares())

    /// A grid of this shape with unspecified contents, uniquely referenced.
    static func take<Scalar: DiffusionScalar>(rows: Int, cols: Int, as _: Scalar.Type = Scalar.self) -> Grid<Scalar> {
        let spare: Grid<Scalar>? = spares.withLock { spares in
            switch Scalar.precision {
            case .double:
                guard let grid = spares.double, grid.rows == rows, grid.cols == cols else { return nil }
                spares.double = nil
                return grid as? Grid<Scalar>
            case .float:
                guard let grid = spares.float, grid.rows == rows, grid.cols == cols else { return nil }
                spares.float = nil
                return grid as? Grid<Scalar>
            }
        }
        return spare ?? Grid(rows: rows, cols: cols)
    }

    /// Keeps `grid` (which nothing else references) for the next `take`.
    static func giveBack<Scalar: DiffusionScalar>(_ grid: consuming Grid<Scalar>) {
        let grid = grid
        spares.withLock { spares in
            switch Scalar.precision {
            case .double: spares.double = grid as? Grid<Double>
            case .float: spares.float = grid as? Grid<Float>
            }
        }
    }

    /// Frees the spare grids.
    static func purge() {
        spares.withLock { $0 = Spares() }
    }
}
