import DiffusionKit
import Foundation
import Testing

/// True when FFTW can be loaded here: the binary uses the same DiffusionKit
/// search (`SpectralSchedule.unavailability`), in the same environment.
private let fftwAvailable: Bool = SpectralSchedule().unavailability() == nil

private let withoutFFTW = ["DIFFUSE_FFTW": "off"]

private func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite("spectral on the command line")
struct SpectralCommandTests {
    @Test("without FFTW: variants lists spectral as unavailable with the install line")
    func variantsWithoutFFTW() async throws {
        let result = try await DiffuseProcess.run(["variants"], environment: withoutFFTW)
        #expect(result.status == 0)
        let line = try #require(result.standardOutput.split(separator: "\n").first { $0.hasPrefix("spectral ") })
        #expect(line.contains("unavailable: FFTW 3 is not installed ("))
    }

    @Test("without FFTW: run --variant spectral fails in one line that says how to install it")
    func runWithoutFFTW() async throws {
        let result = try await DiffuseProcess.run(["run", "--size", "16", "--variant", "spectral"], environment: withoutFFTW)
        #expect(result.status != 0)
        #expect(result.standardError.contains("FFTW 3 is not installed ("))
        #expect(result.standardError.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1)
        #expect(result.standardOutput.isEmpty)
    }

    @Test("without FFTW: bench marks spectral unsupported and runs the others; auto still runs")
    func benchWithoutFFTW() async throws {
        let result = try await DiffuseProcess.run(
            ["bench", "--variants", "spectral,simd", "--size", "24x31", "--iterations", "20", "--budget", "0",
             "--min-runs", "1", "--no-roofline", "--format", "json"], environment: withoutFFTW)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("\"unsupported\""))
        #expect(result.standardOutput.contains("FFTW 3 is not installed"))
        #expect(result.standardOutput.contains("\"verified\""))
        let run = try await DiffuseProcess.run(["run", "--size", "16", "--iterations", "100000", "--json"] + DiffuseProcess.machineArguments,
                                               environment: withoutFFTW)
        #expect(run.status == 0)
        let object = try jsonObject(run.standardOutput)
        #expect(object["schedule"] as? String == "simd")
        #expect((object["choice"] as? String)?.contains("spectral is unavailable") == true)
    }

    @Test("with FFTW: bench verifies spectral against the reference on every boundary",
          .enabled(if: fftwAvailable), arguments: ["periodic", "reflecting", "fixed=0.5"])
    func benchWithFFTW(boundary: String) async throws {
        let result = try await DiffuseProcess.run(
            ["bench", "--variants", "spectral", "--size", "24x31", "--iterations", "300", "--boundary", boundary,
             "--budget", "0", "--min-runs", "1", "--no-roofline", "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("\"verified\""))
    }

    @Test("with FFTW: auto picks spectral for a million steps and says why, in text and JSON", .enabled(if: fftwAvailable))
    func autoSaysWhy() async throws {
        let json = try await DiffuseProcess.run(["run", "--size", "48", "--iterations", "1000000", "--json"] + DiffuseProcess.machineArguments)
        #expect(json.status == 0, "\(json.standardError)")
        let object = try jsonObject(json.standardOutput)
        #expect(object["variant"] as? String == "auto" && object["schedule"] as? String == "spectral")
        #expect((object["choice"] as? String)?.hasPrefix("spectral: two transforms ≈ ") == true)
        let text = try await DiffuseProcess.run(["run", "--size", "48", "--iterations", "1000000"] + DiffuseProcess.machineArguments)
        #expect(text.standardOutput.contains("steps       1000000 with auto → spectral"))
        #expect(text.standardOutput.contains("choice      spectral: two transforms ≈ "))
    }
}

@Suite("diffuse run --time")
struct RunTimeTests {
    @Test("--time T runs T/dt steps")
    func steps() async throws {
        let result = try await DiffuseProcess.run(["run", "--size", "16", "--time", "2.5", "--dt", "0.25", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try jsonObject(result.standardOutput)["iterations"] as? Int == 10)
    }

    @Test("a time that is not a whole number of steps is refused in one line naming the nearest times")
    func refused() async throws {
        let result = try await DiffuseProcess.run(["run", "--size", "16", "--time", "1.05"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("--time 1.05 is not a whole number of steps of dt = 0.1: the nearest valid times are 1 (10 steps) and 1.1 (11 steps)"))
        #expect(result.standardError.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1)
        #expect(result.standardOutput.isEmpty)
    }

    @Test("a negative or non-finite time is refused in one line")
    func invalid() async throws {
        for time in ["-1", "nan", "inf"] {
            let result = try await DiffuseProcess.run(["run", "--size", "16", "--time", time])
            #expect(result.status != 0)
            #expect(result.standardError.contains("--time must be a finite number ≥ 0"), "\(time): \(result.standardError)")
        }
    }

    @Test("--time with an explicit --iterations is refused")
    func conflict() async throws {
        let result = try await DiffuseProcess.run(["run", "--size", "16", "--time", "2", "--iterations", "20"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("give either --iterations 20 or --time 2, not both"))
        #expect(result.standardError.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1)
    }
}
