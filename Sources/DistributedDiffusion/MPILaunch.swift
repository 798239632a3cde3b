#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether this process was started by an MPI launcher (`mpirun`,
/// `mpiexec`), read from the environment the launcher sets: Open MPI's
/// `OMPI_COMM_WORLD_SIZE`/`_RANK`, MPICH's (Hydra's) `PMI_SIZE`/`PMI_RANK`.
/// Works without MPI built in, so that such a build can refuse clearly.
public enum MPILaunch {
    /// The number of processes the launcher started, or nil when not launched by one.
    public static var size: Int? {
        value("OMPI_COMM_WORLD_SIZE") ?? value("PMI_SIZE")
    }

    /// This process's rank, or nil when not launched by MPI.
    public static var rank: Int? {
        value("OMPI_COMM_WORLD_RANK") ?? value("PMI_RANK")
    }

    /// True when launched by MPI.
    public static var isLaunched: Bool { size != nil }

    /// True on every rank but 0: such ranks keep quiet about errors every
    /// rank meets alike (bad options), so the user reads them once.
    public static var isNonRootRank: Bool { (rank ?? 0) != 0 }

    /// Waits, before an error exit that every rank makes alike (a bad
    /// option), until rank 0 has printed the message: mpirun tears the job
    /// down when the first rank exits with an error, and a silent rank that
    /// exits first could cut rank 0 off before its message is out. With MPI
    /// built in the ranks meet in a barrier; without it, other ranks wait a
    /// moment. Does nothing when not launched by MPI.
    public static func awaitRootMessage() {
        guard isLaunched else { return }
        #if MPI
        // Never a second MPI_Init: a distributed run that failed has already
        // reported once and finished MPI.
        guard !MPIWorld.wasStarted else { return }  // a distributed run already met (and finished)
        let world = MPIWorld.start()
        world.barrier()
        world.finish()
        #else
        if isNonRootRank { usleep(500_000) }
        #endif
    }

    /// True when this build can run distributed (the package trait `MPI`).
    public static var isBuiltIn: Bool {
        #if MPI
        true
        #else
        false
        #endif
    }

    /// How to build with MPI.
    public static let buildCommand = "swift build -c release --traits NativeCPU,MPI"
    /// What to install for it.
    public static let installHint = "Open MPI: apt-get install libopenmpi-dev openmpi-bin, or brew install open-mpi"

    private static func value(_ name: String) -> Int? {
        guard let text = getenv(name) else { return nil }
        return Int(String(cString: text))
    }
}
