import ArgumentParser
import DiffusionKit
import DistributedDiffusion

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `diffuse`: the 2D diffusion equation, stepped many ways, with the tools
/// that show where the time goes.
@main
struct Diffuse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffuse",
        abstract: "Solve, measure and understand the 2D diffusion equation.",
        discussion: """
            Diffuse steps u_t = D ∇²u (explicit Euler, five-point Laplacian) on a grid, \
            in many ways ("schedules") that compute the same thing, and measures where the time goes. \
            The defaults are the workload of the seed study: a 640×640 grid, 500 steps, D = 1, \
            dt = 0.1, dx = 1, periodic boundaries, a square block of 0.005 in the middle.

            Examples:
              diffuse run                         the seed's workload, fastest schedule
              diffuse run --size 333x517 --boundary fixed=1 --output field.npy
              diffuse bench                       every schedule ranked: the Wrap Up
              diffuse bench --peers               beside NumPy, numexpr, SciPy, Numba, C
              diffuse variants                    the ladder, and each rung's lesson
              diffuse profile --variant in-place  which phase eats the time (%lprun)
              diffuse stat --variant fused        perf stat of the stepping only
              diffuse roofline                    this machine's ceilings
              diffuse tune --sizes 640,4096       measure plans for auto and keep them (wisdom)
              diffuse report                      all of it as one HTML page with charts
            """,
        version: "0.1.0",
        subcommands: [RunCommand.self, BenchCommand.self, TuneCommand.self, VariantsCommand.self, RooflineCommand.self,
                      StatCommand.self, ProfileCommand.self, InfoCommand.self, SweepCommand.self, MicroCommand.self, ReportCommand.self,
                      ScaleCommand.self],
        defaultSubcommand: nil
    )

    /// Parses and runs the command line; every error becomes one line on
    /// standard error and a non-zero exit status.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
            if let code = Terminal.outputError {
                throw RuntimeFailure("cannot write the results to standard output: \(String(cString: strerror(code)))")
            }
        } catch {
            exitWithOneLineError(error)
        }
    }

    /// Prints `error` as `diffuse: error: …` on one line (help and version
    /// requests print as usual) and exits with ArgumentParser's status for it.
    static func exitWithOneLineError(_ error: any Error) -> Never {
        let code = ExitStatus.code(for: error) ?? exitCode(for: error)
        if code == .success {
            // --help, --version: ArgumentParser prints them.
            exit(withError: error)
        }
        // Under mpirun every rank meets the same bad option: rank 0 says it.
        if MPILaunch.isNonRootRank {
            MPILaunch.awaitRootMessage()
            terminate(code.rawValue)
        }
        var message: String
        if let problem = error as? DiffusionError {
            message = problem.description
            if case .unstable = problem { message += "; pass --allow-unstable to run anyway" }
        } else if let failure = error as? CommandFailure {
            message = failure.message
        } else if let failure = error as? RuntimeFailure {
            message = failure.message
        } else if let failure = error as? UsageFailure {
            message = failure.message
        } else {
            message = Self.message(for: error)
        }
        // ArgumentParser's own messages can span lines; keep the first.
        let firstLine = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? message
        Terminal.standardError("diffuse: error: \(firstLine)\n")
        MPILaunch.awaitRootMessage()
        terminate(code.rawValue)
    }
}

/// An error the commands raise themselves, already phrased for users.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Ends the process with `status`.
private func terminate(_ status: Int32) -> Never {
    #if canImport(Glibc)
    Glibc.exit(status)
    #else
    Darwin.exit(status)
    #endif
}
