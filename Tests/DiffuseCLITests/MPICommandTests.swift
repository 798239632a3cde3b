import Foundation
import Testing

/// `diffuse scale` and `mpirun -np P diffuse run` in a build without the
/// `MPI` trait (the default): both refuse with the build command, and the
/// run that mpirun would start P times is refused instead of run P times.
/// The distributed behaviour itself is checked by Scripts/mpi_tests.sh,
/// which builds with the trait.
#if !MPI
struct MPICommandTests {
    static func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = DiffuseProcess.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let error = Pipe()
        process.standardError = error
        process.standardOutput = Pipe()
        try process.run()
        let data = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("scale without the MPI trait names the build command")
    func scaleWithoutMPI() throws {
        let result = try Self.run(["scale", "--ranks", "1,2", "--size", "64"], environment: [:])
        #expect(result.status != 0)
        #expect(result.error.contains("built without MPI") && result.error.contains("--traits NativeCPU,MPI"))
        #expect(result.error.split(separator: "\n").count == 1)
    }

    @Test("a run launched by mpirun with several processes is refused without the trait; rank 0 alone says so")
    func runUnderMPIWithoutTrait() throws {
        let root = try Self.run(["run", "--size", "20", "--iterations", "2"],
                                environment: ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "0"])
        #expect(root.status != 0)
        #expect(root.error.contains("mpirun would start 2 separate runs"))
        let other = try Self.run(["run", "--size", "20", "--iterations", "2"],
                                 environment: ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1"])
        #expect(other.status != 0)
        #expect(other.error.isEmpty)
    }

    @Test("launched by mpirun with one process, the run goes ahead as usual")
    func oneProcessUnderMPI() throws {
        let result = try Self.run(["run", "--size", "20", "--iterations", "2"],
                                  environment: ["OMPI_COMM_WORLD_SIZE": "1", "OMPI_COMM_WORLD_RANK": "0"])
        #expect(result.status == 0)
    }
}
#endif
