#if MPI
import CMPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's place among the MPI processes of a run, and the few
/// collective operations the distributed run needs.
///
/// MPI is started with `MPI_THREAD_FUNNELED`: a rank's schedule may step its
/// block on several threads, but only the main thread calls MPI.
/// Communicator errors keep MPI's default, `MPI_ERRORS_ARE_FATAL` (a broken
/// network ends every rank); file errors return codes (MPI-IO's default), which
/// the run turns into agreed failures.
struct MPIWorld {
    let rank: Int
    let size: Int

    /// Starts MPI (once per process).
    static func start() -> MPIWorld {
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(cmpi_comm_world(), &rank)
        MPI_Comm_size(cmpi_comm_world(), &size)
        return MPIWorld(rank: Int(rank), size: Int(size))
    }

    /// True once MPI was started (or already finished) in this process.
    static var wasStarted: Bool {
        var initialized: Int32 = 0, finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        return initialized != 0 || finalized != 0
    }

    var isRoot: Bool { rank == 0 }

    func finish() { MPI_Finalize() }

    /// Prints `message` (this rank alone) and ends every rank with status 1.
    ///
    /// For failures that only some ranks meet in the middle of the stepping,
    /// where the others wait in an exchange and no agreement is possible.
    func abort(_ message: String, report: (String) -> Void) -> Never {
        report(message)
        MPI_Abort(cmpi_comm_world(), 1)
        exit(1)
    }

    /// Every rank learns whether any rank failed. `failure` is this rank's
    /// message, or nil. When some rank failed, the lowest such rank's message
    /// is returned on every rank, with `printsHere` true on that rank only,
    /// so the user sees it once.
    func agree(_ failure: String?) -> DistributedFailure? {
        var mine = Int32(failure == nil ? size : rank), first: Int32 = 0
        MPI_Allreduce(&mine, &first, 1, cmpi_int(), cmpi_min(), cmpi_comm_world())
        guard Int(first) < size else { return nil }
        return DistributedFailure(message: failure ?? "", printsHere: Int(first) == rank)
    }

    func sum(_ value: Double) -> Double { reduce(value, cmpi_sum()) }
    func minimum(_ value: Double) -> Double { reduce(value, cmpi_min()) }
    func maximum(_ value: Double) -> Double { reduce(value, cmpi_max()) }

    private func reduce(_ value: Double, _ op: MPI_Op) -> Double {
        var mine = value, result = 0.0
        MPI_Allreduce(&mine, &result, 1, cmpi_double(), op, cmpi_comm_world())
        return result
    }

    /// Rank 0's value of `value` on every rank.
    func broadcast(_ value: Int) -> Int {
        var shared = Int64(value)
        MPI_Bcast(&shared, 8, cmpi_byte(), 0, cmpi_comm_world())
        return Int(shared)
    }

    func barrier() { MPI_Barrier(cmpi_comm_world()) }

    /// Seconds on MPI's clock.
    static func seconds() -> Double { MPI_Wtime() }

    /// MPI's text for an error code.
    static func errorText(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        cmpi_error_string(code, &buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The MPI element type of a scalar.
func mpiType<Scalar>(_: Scalar.Type) -> MPI_Datatype {
    Scalar.self == Float.self ? cmpi_float() : cmpi_double()
}
#endif
