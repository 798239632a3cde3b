@testable import DiffusionKit
import Foundation
import Testing
import DiffuseTestSupport

/// True when FFTW 3 loaded in this process; the tests of the real transforms
/// need it (CI installs it and sets DIFFUSE_REQUIRE_FFTW=1, so that a
/// missing FFTW fails there instead of skipping).
private let fftwLoaded = SpectralSchedule().unavailability() == nil
    && SpectralSchedule().unavailability(.float) == nil

@Suite("spectral")
struct SpectralScheduleTests {
    static let boundaries: [Boundary] = [.periodic, .reflecting, .fixed(0.75)]

    @Test("FFTW is loaded where the environment requires it (CI)")
    func requiredWhereCIRequiresIt() {
        if ProcessInfo.processInfo.environment["DIFFUSE_REQUIRE_FFTW"] == "1" {
            #expect(fftwLoaded, "\(SpectralSchedule().unavailability() ?? "")")
        }
        #expect(ScheduleRegistry.names.contains("spectral"))
        #expect(SpectralSchedule().descriptor.lesson.hasPrefix("change the algorithm, not the loop"))
    }

    /// Spectral against the reference, on `problem`, after each of `stepCounts`.
    private func expectAgreement<Scalar: DiffusionScalar>(_ problem: Problem, _: Scalar.Type, stepCounts: [Int]) throws {
        let initial = try problem.makeInitialGrid(Scalar.self)
        let magnitude = problem.magnitude(of: initial)
        var reference = initial
        var done = 0
        for steps in stepCounts {
            try ReferenceSchedule().run(&reference, steps: steps - done, problem: problem)
            done = steps
            var spectral = initial
            try SpectralSchedule().run(&spectral, steps: steps, problem: problem, context: ExecutionContext(threads: 2, machine: TestMachines.zen4))
            let error = FieldComparison.maxAbsDifference(spectral, reference)
            let tolerance = Verification.tolerance(precision: Scalar.precision, steps: steps, magnitude: magnitude)
            #expect(error <= tolerance, "\(problem), \(steps) steps: error \(error), tolerance \(tolerance)")
        }
    }

    @Test("agrees with the reference to 1e-12 × magnitude (double), odd shapes, up to 10⁵ steps",
          .enabled(if: fftwLoaded), arguments: boundaries, [(5, 7), (9, 4), (3, 3)])
    func agreesWithReferenceSmall(boundary: Boundary, shape: (Int, Int)) throws {
        for dt in [0.1, 0.25] {  // r = 1/4: λ = −1 exactly for some periodic modes
            let problem = Problem(rows: shape.0, cols: shape.1, dt: dt, boundary: boundary, initial: .gaussian(width: 1.3))
            try expectAgreement(problem, Double.self, stepCounts: [0, 1, 2, 17, 1000, 100_000])
            var float = problem
            float.precision = .float
            try expectAgreement(float, Float.self, stepCounts: [1, 17, 1000])
        }
    }

    @Test("agrees with the reference on larger odd grids, threaded", .enabled(if: fftwLoaded), arguments: boundaries)
    func agreesWithReferenceLarger(boundary: Boundary) throws {
        let problem = Problem(rows: 181, cols: 203, diffusivity: 0.7, dt: 0.3, dx: 1.1, boundary: boundary, initial: .block)
        try expectAgreement(problem, Double.self, stepCounts: [1, 50, 400])
        var float = problem
        float.precision = .float
        try expectAgreement(float, Float.self, stepCounts: [1, 400])
    }

    @Test("plans are made once per shape, precision, transform and thread count, and kept", .enabled(if: fftwLoaded))
    func plansAreKept() throws {
        let library = try FFTWLibrary.shared(.double).get()
        var grid = Grid<Double>(rows: 11, cols: 13)
        let key = SpectralPlan.Key(rows: 11, cols: 13, transform: .dct, precision: .double, threads: 1)
        let (first, second) = grid.withUnsafeMutableBufferPointer { cells in
            let pointer = UnsafeMutableRawPointer(cells.baseAddress!)
            return (SpectralPlanCache.plan(for: key, library: library, grid: pointer),
                    SpectralPlanCache.plan(for: key, library: library, grid: pointer))
        }
        #expect(first != nil && first === second)
    }

    @Test("a measured plan (DIFFUSE_FFTW_MEASURE=1) learns wisdom, and forward then back is the identity",
          .enabled(if: fftwLoaded), arguments: [SpectralTransform.dft, .dct, .dst])
    func measuredPlan(transform: SpectralTransform) throws {
        let library = try FFTWLibrary.shared(.double).get()
        // A shape no other test plans, so no wisdom has it yet.
        let (rows, cols) = (transform == .dft ? 13 : transform == .dct ? 14 : 15, 19)
        let key = SpectralPlan.Key(rows: rows, cols: cols, transform: transform, precision: .double, threads: 1)
        var grid = Grid<Double>(rows: rows, cols: cols, values: (0 ..< rows * cols).map { Double(($0 * 37) % 101) / 7 })
        let original = grid
        let plan = grid.withUnsafeMutableBufferPointer { cells in
            library.planner.withLock { _ in
                SpectralPlan(key: key, library: library, grid: UnsafeMutableRawPointer(cells.baseAddress!), measure: true)
            }
        }
        let measured = try #require(plan)
        #expect(measured.learned)
        let scale = transform.scale(rows: rows, cols: cols)
        let count = transform.spectrumScalars(rows: rows, cols: cols)
        grid.withUnsafeMutableBufferPointer { cells in
            measured.apply(to: cells) { spectrum in
                for i in 0 ..< count { spectrum[i] *= scale }
            }
        }
        #expect(FieldComparison.maxAbsDifference(grid, original) <= 1e-13)
    }

    @Test("an unstable run names the same first non-finite step as stepping does, found by bisection",
          .enabled(if: fftwLoaded), arguments: boundaries)
    func bisection(boundary: Boundary) throws {
        for precision in [Precision.double, .float] {
            let problem = Problem(rows: 9, cols: 7, dt: 0.3, boundary: boundary, initial: .gaussian(width: 1.5), precision: precision)
            func firstNonFinite(_ schedule: any Schedule) throws -> Int? {
                do {
                    if precision == .double {
                        var simulation = try Simulation<Double>(problem: problem, schedule: schedule, allowUnstable: true)
                        try simulation.advance(steps: 100_000)
                        #expect(simulation.step == 100_000)
                    } else {
                        var simulation = try Simulation<Float>(problem: problem, schedule: schedule, allowUnstable: true)
                        try simulation.advance(steps: 100_000)
                    }
                    return nil
                } catch .nonFinite(let step) {
                    return step
                }
            }
            let stepped = try firstNonFinite(ReferenceSchedule())
            let bisected = try firstNonFinite(SpectralSchedule())
            #expect(stepped != nil && bisected == stepped, "\(boundary) \(precision)")
        }
    }

    @Test("the bisection leaves the last finite field, the one stepping would leave", .enabled(if: fftwLoaded))
    func bisectionField() throws {
        let problem = Problem(rows: 5, cols: 7, dt: 0.3, boundary: .reflecting, initial: .gaussian(width: 1))
        let start = try problem.makeInitialGrid(Double.self)
        var field = start
        let step = try #require(try SpectralSchedule().firstNonFiniteStep(
            from: start, within: 50_000, field: &field, problem: problem, context: ExecutionContext(machine: TestMachines.zen4)))
        var stepped = start
        try ReferenceSchedule().run(&stepped, steps: step - 1, problem: problem)
        #expect(FieldComparison.isFinite(field))
        let scale = FieldComparison.maxAbsDifference(stepped, Grid<Double>(rows: 5, cols: 7))
        #expect(FieldComparison.maxAbsDifference(field, stepped) <= 1e-12 * scale)
        // A stable problem stays finite: nil, and the field after all the steps.
        let stable = Problem(rows: 5, cols: 7, dt: 0.2, boundary: .reflecting, initial: .gaussian(width: 1))
        #expect(try SpectralSchedule().firstNonFiniteStep(from: start, within: 1000, field: &field, problem: stable, context: ExecutionContext(machine: TestMachines.zen4)) == nil)
    }

    @Test("Simulation runs spectral in one chunk, whatever the number of steps", .enabled(if: fftwLoaded))
    func oneChunk() throws {
        var simulation = try Simulation<Double>(problem: Problem(rows: 16, cols: 16), schedule: SpectralSchedule())
        var reports: [Int] = []
        try simulation.advance(steps: 1_000_000) { reports.append($0) }
        #expect(reports == [1_000_000])
    }
}

@Suite("spectral without FFTW")
struct SpectralUnavailableTests {
    let missing = SpectralSchedule(fftwOverride: "off")

    @Test("says FFTW 3 is not installed and how to install it, and refuses to run")
    func unavailable() throws {
        let problem = Problem(rows: 5, cols: 7)
        let reason = try #require(missing.limitation(for: problem))
#if canImport(Darwin)
        #expect(reason.hasPrefix("FFTW 3 is not installed (brew install fftw)"))
#else
        #expect(reason.hasPrefix("FFTW 3 is not installed (apt-get install libfftw3-dev)"))
#endif
        #expect(!reason.contains("\n"))
        #expect(missing.descriptor.supports == "unavailable: " + reason)
        var grid = try problem.makeInitialGrid(Double.self)
        #expect(throws: DiffusionError.unsupported(schedule: "spectral", reason: reason)) {
            try missing.run(&grid, steps: 3, problem: problem)
        }
        #expect(throws: DiffusionError.self) {
            _ = try Simulation<Float>(problem: problem, schedule: missing)
        }
    }

    @Test("a folder without FFTW is the same as no FFTW")
    func emptyFolder() throws {
        let folder = try TemporaryFolder()
        #expect(SpectralSchedule(fftwOverride: folder.path).unavailability()?.hasPrefix("FFTW 3 is not installed") == true)
    }

    @Test("auto never chooses spectral without FFTW, and says why")
    func autoWithoutFFTW() {
        let model = SpectralCostModel(problem: Problem(rows: 64, cols: 64), steps: 1_000_000, spectral: missing)
        #expect(!model.prefersSpectral)
        #expect(model.reason(steps: 1_000_000, stepper: "simd").contains("spectral is unavailable (FFTW 3 is not installed"))
    }
}

@Suite("auto and spectral")
struct AutoSpectralTests {
    @Test("the cost model: two transforms against n steps")
    func costModel() {
        let problem = Problem(rows: 640, cols: 640)
        let few = SpectralCostModel(problem: problem, steps: 5)
        let many = SpectralCostModel(problem: problem, steps: 1_000_000)
        #expect(few.spectralSeconds == many.spectralSeconds)
        #expect(few.steppingSeconds * 200_000 == many.steppingSeconds)
        #expect(few.spectralSeconds > few.steppingSeconds && many.spectralSeconds < many.steppingSeconds)
        // DST-I on 4096 cells is a DFT of 2·4097 = 2·17·241: an awkward length for FFTW.
        #expect(SpectralCostModel.largestPrimeFactor(4097) == 241)
        #expect(SpectralCostModel.largestPrimeFactor(640) == 5)
        #expect(SpectralCostModel.largestPrimeFactor(13) == 13 && SpectralCostModel.largestPrimeFactor(1) == 1)
        let periodic = SpectralCostModel(problem: Problem(rows: 4096, cols: 4096), steps: 1)
        let fixed = SpectralCostModel(problem: Problem(rows: 4096, cols: 4096, boundary: .fixed(0)), steps: 1)
        let fixedSmooth = SpectralCostModel(problem: Problem(rows: 4095, cols: 4095, boundary: .fixed(0)), steps: 1)
        #expect(fixed.spectralSeconds > 2 * periodic.spectralSeconds)
        #expect(fixedSmooth.spectralSeconds < periodic.spectralSeconds)
    }

    @Test("auto chooses spectral for many steps when FFTW is there, says so, and stepping for a few",
          .enabled(if: fftwLoaded))
    func autoChoosesSpectral() throws {
        let problem = Problem(rows: 64, cols: 64, boundary: .fixed(0.5), initial: .gaussian(width: 5))
        // Planned for an explicit machine, not the host.
        let context = ExecutionContext(machine: TestMachines.zen4)
        #expect(AutoSchedule().choice(for: problem, steps: 1_000_000, context: context).descriptor.name == "spectral")
        #expect(AutoSchedule().reason(for: problem, steps: 1_000_000, context: context).hasPrefix("spectral: two transforms ≈ "))
        #expect(AutoSchedule().choice(for: problem, steps: 3, context: context).descriptor.name == "simd")
        #expect(AutoSchedule().reason(for: problem, steps: 3, context: context).hasPrefix("simd: 3 steps of simd ≈ "))
        // What auto computes for many steps is spectral's answer, within the gate.
        var grid = try problem.makeInitialGrid(Double.self)
        var reference = grid
        try AutoSchedule().run(&grid, steps: 20_000, problem: problem, context: context)
        try ReferenceSchedule().run(&reference, steps: 20_000, problem: problem)
        #expect(FieldComparison.maxAbsDifference(grid, reference) <= 1e-12 * 0.5)
    }
}

@Suite("simulated time")
struct SimulatedTimeTests {
    @Test("T/dt steps, within rounding")
    func whole() throws {
        #expect(try SimulatedTime.steps(time: 1.1, dt: 0.1) == 11)
        #expect(try SimulatedTime.steps(time: 100_000, dt: 0.1) == 1_000_000)
        #expect(try SimulatedTime.steps(time: 0, dt: 0.1) == 0)
        #expect(try SimulatedTime.steps(time: 0.3, dt: 0.1) == 3)
        #expect(try SimulatedTime.steps(time: 2.5, dt: 0.25) == 10)
    }

    @Test("a time that is not a whole number of steps is refused, naming the two nearest valid times")
    func refused() {
        #expect(throws: SimulatedTimeError.self) { try SimulatedTime.steps(time: 1.05, dt: 0.1) }
        do {
            _ = try SimulatedTime.steps(time: 1.05, dt: 0.1)
        } catch {
            #expect(error.description == "--time 1.05 is not a whole number of steps of dt = 0.1: the nearest valid times are 1 (10 steps) and 1.1 (11 steps)")
        }
        do {
            _ = try SimulatedTime.steps(time: 0.05, dt: 0.1)
        } catch {
            #expect(error.description.hasSuffix("the nearest valid times are 0 (0 steps) and 0.1 (1 steps)"))
        }
        #expect(throws: SimulatedTimeError.self) { try SimulatedTime.steps(time: -1, dt: 0.1) }
        #expect(throws: SimulatedTimeError.self) { try SimulatedTime.steps(time: .infinity, dt: 0.1) }
        #expect(throws: SimulatedTimeError.self) { try SimulatedTime.steps(time: 1e300, dt: 1e-300) }
    }
}

@Suite("FFTW wisdom")
struct FFTWWisdomTests {
    @Test("lives in XDG_CACHE_HOME/diffuse, else ~/.cache/diffuse; float in its own file")
    func location() {
        let xdg = ["XDG_CACHE_HOME": "/tmp/x", "HOME": "/home/u"]
        #expect(FFTWWisdom.file(for: .double, environment: { xdg[$0] }) == "/tmp/x/diffuse/fftw-wisdom")
        #expect(FFTWWisdom.file(for: .float, environment: { xdg[$0] }) == "/tmp/x/diffuse/fftwf-wisdom")
        let home = ["HOME": "/home/u"]
        #expect(FFTWWisdom.file(for: .double, environment: { home[$0] }) == "/home/u/.cache/diffuse/fftw-wisdom")
        #expect(FFTWWisdom.file(for: .double, environment: { _ in nil }) == nil)
    }

    @Test("is saved atomically and read back; a missing or corrupt file is ignored", .enabled(if: fftwLoaded))
    func roundTrip() throws {
        let library = try FFTWLibrary.shared(.double).get()
        let folder = try TemporaryFolder()
        let path = folder.path + "/deeper/diffuse/fftw-wisdom"
        library.planner.withLock { _ in
            #expect(FFTWWisdom.save(from: library, to: path))
            #expect(FFTWWisdom.load(into: library, from: path))
            #expect(!FFTWWisdom.load(into: library, from: folder.path + "/missing"))
        }
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/deeper/diffuse") == ["fftw-wisdom"])
        let corrupt = folder.file("corrupt")
        try Data("(fftw-3.3.10 fftw_wisdom #x garbage".utf8).write(to: URL(fileURLWithPath: corrupt))
        library.planner.withLock { _ in #expect(!FFTWWisdom.load(into: library, from: corrupt)) }
        // Spectral still runs after the corrupt file was offered.
        let problem = Problem(rows: 6, cols: 5, boundary: .reflecting, initial: .point)
        var grid = try problem.makeInitialGrid(Double.self)
        try SpectralSchedule().run(&grid, steps: 10, problem: problem, context: ExecutionContext(machine: TestMachines.zen4))
        #expect(FieldComparison.isFinite(grid))
    }
}
