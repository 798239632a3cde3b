import DiffuseTestSupport
import DiffusionKit
import Foundation
import PerfKit
import Testing

/// The seed's ladder: every rung computes what the reference computes, on
/// every boundary, shape and precision, and its phases show the allocations
/// it was written to show.
@Suite("The ladder")
struct LadderTests {
    static let boundaries: [Boundary] = [.periodic, .reflecting, .fixed(0), .fixed(0.75)]
    static let shapes: [Shape] = [
        Shape(rows: 3, cols: 3, steps: 40), Shape(rows: 3, cols: 5, steps: 40), Shape(rows: 5, cols: 3, steps: 40),
        Shape(rows: 17, cols: 1000, steps: 12), Shape(rows: 333, cols: 517, steps: 6),
    ]

    /// Every registered schedule but the oracle: the ladder and whatever
    /// has been registered beyond it.
    static var registered: [any Schedule] { ScheduleRegistry.all.filter { $0.descriptor.name != "reference" } }

    /// `registered`, less the schedules that say they cannot run on this
    /// machine: `spectral` where FFTW 3 is not installed. (The spectral
    /// suite requires FFTW where DIFFUSE_REQUIRE_FFTW=1, as in CI, so that a
    /// schedule is never skipped there by mistake.)
    static var runnable: [any Schedule] { registered.filter { $0.limitation(for: .seed) == nil } }

    /// How the schedules run here: planned for an explicit machine, not the
    /// host, so that no plan (threads, depths, tiles) depends on where the
    /// tests run. The results must not depend on it either way.
    static func context(threads: Int = 0, phases: (any PhaseRecorder)? = nil) -> ExecutionContext {
        ExecutionContext(threads: threads, phases: phases, machine: TestMachines.zen4)
    }

    /// The seed's ladder and `fused`, by name and seed counterpart, in
    /// registry order right after the reference.
    static let ladder: [(name: String, counterpart: String)] = [
        ("nested", "pure Python"),
        ("nested-scratch", "Python + memory"),
        ("whole-array", "NumPy"),
        ("filter", "SciPy"),
        ("in-place", "NumPy + memory"),
        ("roll-add", "NumPy + memory2"),
        ("roll-add-blocked", "NumPy + memory2 + numexpr"),
        ("fused", "(beyond the seed)"),
    ]
    static var ladderNames: [String] { ladder.map(\.name) }

    /// Schedules that keep the reference's order of operations.
    static let bitIdentical: Set<String> = ["fused", "nested", "nested-scratch"]

    struct Shape: Sendable, CustomTestStringConvertible {
        let rows: Int, cols: Int, steps: Int
        var testDescription: String { "\(rows)×\(cols), \(steps) steps" }
    }

    /// D, dt and dx all away from 1, so a rung that forgets dx or D shows it;
    /// r = 0.7·0.3/1.1² ≈ 0.17. (The tests start from a random field, not
    /// from the problem's initial condition.)
    static func problem(_ shape: Shape, _ boundary: Boundary, _ precision: Precision) -> Problem {
        Problem(rows: shape.rows, cols: shape.cols, diffusivity: 0.7, dt: 0.3, dx: 1.1,
                boundary: boundary, precision: precision)
    }

    // MARK: Agreement with the reference

    @Test("every schedule agrees with the reference within the gate; fused and nested bit for bit",
          arguments: boundaries, shapes)
    func agreesWithReference(boundary: Boundary, shape: Shape) throws {
        try check(Double.self, shape: shape, boundary: boundary)
        try check(Float.self, shape: shape, boundary: boundary)
    }

    @Test("every schedule agrees with the reference on the seed's 640×640 periodic grid")
    func seedSizedGrid() throws {
        try check(Double.self, shape: Shape(rows: 640, cols: 640, steps: 4), boundary: .periodic)
    }

    /// Runs every schedule from a random field (every edge cell starts
    /// nonzero and different from its neighbours, so a boundary slip shows in
    /// the first step) and compares it with the reference.
    func check<Scalar: DiffusionScalar>(_: Scalar.Type, shape: Shape, boundary: Boundary) throws {
        let problem = Self.problem(shape, boundary, Scalar.precision)
        let initial: Grid<Scalar> = Self.randomGrid(rows: shape.rows, cols: shape.cols, seed: UInt64(shape.rows * 7919 + shape.cols))
        var expected = initial
        try ReferenceSchedule().run(&expected, steps: shape.steps, problem: problem)
        let magnitude = problem.magnitude(of: initial)
        let tolerance = Verification.tolerance(precision: Scalar.precision, steps: shape.steps, magnitude: magnitude)
        for schedule in Self.registered {
            // Cannot run here (no FFTW for this precision): not expected to.
            if schedule.limitation(for: problem) != nil { continue }
            let name = schedule.descriptor.name
            var grid = initial
            try schedule.run(&grid, steps: shape.steps, problem: problem, context: Self.context())
            let error = FieldComparison.maxAbsDifference(grid, expected)
            #expect(error <= tolerance, "\(name), \(problem): error \(error), tolerance \(tolerance)")
            if Self.bitIdentical.contains(name) {
                // A Bool, not the grids, so a failure does not print every cell.
                let identical = grid == expected
                #expect(identical, "\(name) is not bit-identical to the reference on \(problem)")
            }
        }
    }

    @Test("the rungs that share an order of operations agree bit for bit, on any thread count",
          arguments: [Boundary.periodic, .fixed(0.75)])
    func sharedOrder(boundary: Boundary) throws {
        let shape = Shape(rows: 333, cols: 517, steps: 5)
        for precision in Precision.allCases {
            let problem = Self.problem(shape, boundary, precision)
            func run<Scalar: DiffusionScalar>(_ name: String, threads: Int = 0, as _: Scalar.Type) throws -> Grid<Scalar> {
                var grid: Grid<Scalar> = Self.randomGrid(rows: shape.rows, cols: shape.cols, seed: 42)
                try ScheduleRegistry.named(name).run(&grid, steps: shape.steps, problem: problem, context: Self.context(threads: threads))
                return grid
            }
            func compare<Scalar: DiffusionScalar>(_: Scalar.Type) throws {
                let inPlace = try run("in-place", as: Scalar.self)
                let rollAdd = try run("roll-add", as: Scalar.self) == inPlace
                #expect(rollAdd, "roll-add differs from in-place")
                for threads in [1, 2, 3, 0] {
                    let blocked = try run("roll-add-blocked", threads: threads, as: Scalar.self) == inPlace
                    #expect(blocked, "roll-add-blocked on \(threads) threads differs from in-place")
                }
            }
            switch precision {
            case .double: try compare(Double.self)
            case .float: try compare(Float.self)
            }
        }
    }

    @Test("every schedule reproduces NumPy's golden field for the seed's workload to 1e-14",
          arguments: runnable.map(\.descriptor.name))
    func golden(name: String) throws {
        // The reference's own golden test is in ReferenceScheduleTests.
        let golden = try Fixture.load("golden_periodic_640x640_500")
        var grid = try Problem.seed.makeInitialGrid(Double.self)
        try ScheduleRegistry.named(name).run(&grid, steps: 500, problem: .seed, context: Self.context())
        #expect(FieldComparison.maxAbsDifference(grid, golden) <= 1e-14)
        #expect(abs(FieldSummary(grid).mass - 20.48) < 1e-12)
    }

    @Test("zero steps leave the grid as it was", arguments: runnable.map(\.descriptor.name))
    func zeroSteps(name: String) throws {
        let problem = Problem(rows: 4, cols: 6, boundary: .fixed(2), initial: .gaussian(width: 1))
        let initial = try problem.makeInitialGrid(Double.self)
        var grid = initial
        try ScheduleRegistry.named(name).run(&grid, steps: 0, problem: problem, context: Self.context())
        let unchanged = grid == initial
        #expect(unchanged)
    }

    // MARK: Descriptors

    @Test("the rungs are registered by their stable names, in ladder order, with the seed's counterparts")
    func descriptors() {
        let descriptors = ScheduleRegistry.all.map(\.descriptor)
        let rungs = Array(descriptors.dropFirst().prefix(Self.ladder.count))
        #expect(descriptors.first?.name == "reference")
        #expect(rungs.map(\.name) == Self.ladderNames)
        #expect(rungs.map(\.seedCounterpart) == Self.ladder.map(\.counterpart))
        for descriptor in rungs {
            #expect(!descriptor.lesson.isEmpty && !descriptor.lesson.contains("\n"), "\(descriptor.name)")
            #expect(descriptor.supports == "all boundaries, any shape from 3×3, double and float", "\(descriptor.name)")
            #expect(descriptor.isParallel == (descriptor.name == "roll-add-blocked"), "\(descriptor.name)")
            let schedule = try? ScheduleRegistry.named(descriptor.name)
            #expect(schedule?.limitation(for: Problem(rows: 3, cols: 3, boundary: .fixed(1), precision: .float)) == nil)
        }
        // The lesson of in-place is the four temporaries np.roll still makes.
        #expect(rungs.first { $0.name == "in-place" }?.lesson.contains("4") == true)
    }

    // MARK: Phases and allocations

    /// What each rung reports per step and per call.
    static let phasesPerStep: [String: [String: Int]] = [
        "nested": ["allocate": 1, "compute": 1],
        "nested-scratch": ["compute": 1],
        "whole-array": ["roll": 4, "add": 3, "scale": 2, "subtract": 1, "update": 1],
        "in-place": ["copy": 1, "scale −4": 1, "roll": 4, "add roll": 4, "scale D·dt": 1, "add grid": 1],
        "roll-add": ["copy": 1, "scale −4": 1, "roll-add rows": 2, "roll-add cols": 2, "scale": 1, "add": 1],
        "roll-add-blocked": ["copy": 1, "scale −4": 1, "roll-add rows": 2, "roll-add cols": 2, "numexpr update": 1],
        "filter": ["laplace filter": 1, "scale": 1, "add": 1],
        "fused": ["step": 1],
    ]
    static let phasesPerCall: [String: [String: Int]] = [
        "nested": ["convert": 2],
        "nested-scratch": ["convert": 2, "allocate": 1],
        "whole-array": ["convert": 2],
    ]
    /// Heap allocations per step on a 9-row grid, as each rung's lesson says:
    /// `nested` a new grid of 9 row arrays and the outer array, `whole-array`
    /// one temporary per roll and per arithmetic operation, `in-place` the
    /// four temporaries np.roll still makes; the others none.
    static let allocationsPerStep: [String: Int] = [
        "nested": 9 + 1, "nested-scratch": 0, "whole-array": 11, "in-place": 4,
        "roll-add": 0, "roll-add-blocked": 0, "filter": 0, "fused": 0,
    ]

    @Test("each rung reports its phases, nested and on the calling thread", arguments: ladderNames)
    func phases(name: String) throws {
        let schedule = try ScheduleRegistry.named(name)
        let problem = Problem(rows: 9, cols: 11, boundary: .reflecting, initial: .gaussian(width: 2))
        func counts(steps: Int) throws -> [String: Int] {
            let log = Self.PhaseLog()
            var grid = try problem.makeInitialGrid(Double.self)
            try schedule.run(&grid, steps: steps, problem: problem, context: Self.context(threads: 2, phases: log))
            #expect(log.wellNested, "\(name): phases do not nest")
            #expect(log.onOneThread, "\(name): phases reported from another thread")
            return log.counts
        }
        let three = try counts(steps: 3), seven = try counts(steps: 7)
        let names = Set(three.keys).union(seven.keys)
        var perStep: [String: Int] = [:], perCall: [String: Int] = [:]
        for phase in names {
            let difference = seven[phase, default: 0] - three[phase, default: 0]
            #expect(difference % 4 == 0, "\(name): \(phase)")
            if difference > 0 { perStep[phase] = difference / 4 }
            let fixed = three[phase, default: 0] - 3 * (difference / 4)
            if fixed > 0 { perCall[phase] = fixed }
        }
        #expect(perStep == Self.phasesPerStep[name], "\(name)")
        #expect(perCall == Self.phasesPerCall[name, default: [:]], "\(name)")
    }

    /// Counted by PerfKit's malloc counter (the test binary links
    /// CAllocationCounter): the allocations of a 7-step run less those of a
    /// 3-step run, over the 4 extra steps, so a run's own set-up cancels out.
    /// On one thread, counting that thread only: the other tests, running in
    /// parallel in this process, allocate too.
    @Test("each rung allocates per step only as its lesson says, counted", arguments: ladderNames)
    func allocationsPerStep(name: String) throws {
        try #require(AllocationCounter.isAvailable, "the test binary does not link CAllocationCounter")
        let schedule = try ScheduleRegistry.named(name)
        let problem = Problem(rows: 9, cols: 11, boundary: .reflecting, initial: .gaussian(width: 2))
        func allocations(steps: Int) throws -> Int {
            var grid = try problem.makeInitialGrid(Double.self)
            return try AllocationCounter.measure(.callingThread) {
                try schedule.run(&grid, steps: steps, problem: problem, context: Self.context(threads: 1))
            }.counts.allocations
        }
        _ = try allocations(steps: 1)  // first use: type metadata, lazy globals
        let extra = try allocations(steps: 7) - allocations(steps: 3)
        let expected = try #require(Self.allocationsPerStep[name], "no expectation for \(name)")
        #expect(extra == 4 * expected, "\(name): \(Double(extra) / 4) allocations per step")
    }
}

extension LadderTests {
    /// A phase recorder for tests: counts each phase and checks that the begins
    /// and ends pair up, nest, and come from the thread that started the run.
    final class PhaseLog: PhaseRecorder, @unchecked Sendable {
        // @unchecked: every access holds `lock`.
        private let lock = NSLock()
        private var open: [String] = []
        private var thread: Thread?
        private var hits: [String: Int] = [:]
        private var nestingHeld = true
        private var threadHeld = true

        /// How many times each phase began.
        var counts: [String: Int] { lock.withLock { hits } }
        /// Every end matched the innermost open phase, and none is left open.
        var wellNested: Bool { lock.withLock { nestingHeld && open.isEmpty } }
        /// Every begin and end came from the thread of the first.
        var onOneThread: Bool { lock.withLock { threadHeld } }

        func begin(_ phase: StaticString) {
            lock.withLock {
                noteThread()
                let name = phase.description
                open.append(name)
                hits[name, default: 0] += 1
            }
        }

        func end(_ phase: StaticString) {
            lock.withLock {
                noteThread()
                if open.popLast() != phase.description { nestingHeld = false }
            }
        }

        private func noteThread() {
            if let thread { threadHeld = threadHeld && thread === Thread.current } else { thread = Thread.current }
        }
    }

    /// A rows × cols field of values uniform in [0, 1), the same for a given seed.
    static func randomGrid<Scalar: DiffusionScalar>(rows: Int, cols: Int, seed: UInt64) -> Grid<Scalar> {
        var generator = SplitMix64(seed: seed)
        return Grid(rows: rows, cols: cols, values: (0 ..< rows * cols).map { _ in
            Scalar(Double.random(in: 0 ..< 1, using: &generator))
        })
    }
}
