@testable import DiffusionKit
import Hardware
import DiffuseTestSupport
import Testing

/// What each explicit machine's plans must be: threads, temporal depth and
/// tiles, `auto`'s choice. The arithmetic is in each expectation's comment;
/// none depends on the host.
@Suite("Plans per machine")
struct MachinePlanTests {
    func context(_ machine: MachineDescription, threads: Int = 0) -> ExecutionContext {
        ExecutionContext(threads: threads, machine: machine)
    }

    @Test("the seed's 640² Double: depth 8 where two grids (6.5 MB) outgrow the L2s, 1 where they fit")
    func seed() {
        // 2 · 640² · 8 B = 6 553 600 B: more than 2 × 512 KiB and 2 × 1 MiB,
        // less than 32 MiB of L3, so Zen 3 and Zen 4 sweep 8 deep; rings of
        // 9 · 8 B · 7 levels · 640 = 322 560 B fit either L2 whole.
        for machine in [TestMachines.zen3, TestMachines.zen4] {
            let plan = TemporalPlan(rows: 640, cols: 640, scalarBytes: 8, steps: 500, context: context(machine))
            #expect(plan.bands == [0 ..< 320, 320 ..< 640], "\(machine.cpuModel!)")
            #expect(plan.depth == TemporalPlan.cachedDepth && !plan.isTiled, "\(machine.cpuModel!)")
        }
        // Apple M: 8 threads (409 600 cells ≥ 8 × 32 768), and 8 × 2 MiB of
        // shared L2 hold both grids: no blocking.
        let apple = TemporalPlan(rows: 640, cols: 640, scalarBytes: 8, steps: 500, context: context(TestMachines.appleM))
        #expect(apple.bands.count == 8 && apple.bands.allSatisfy { $0.count == 80 })
        #expect(apple.depth == 1 && !apple.isTiled)
        // One core: one band of every row, 8 deep as on Zen 3.
        let one = TemporalPlan(rows: 640, cols: 640, scalarBytes: 8, steps: 500, context: context(TestMachines.oneCore))
        #expect(one.bands == [0 ..< 640] && one.depth == TemporalPlan.cachedDepth && !one.isTiled)
    }

    @Test("200² Double: one step per sweep in a 1 MiB L2, eight in a 512 KiB L2")
    func small() {
        // 40 000 cells: one thread (fewer than 2 × 32 768). Two grids are
        // 640 000 B: within Zen 4's 1 MiB L2, beyond Zen 3's 512 KiB.
        let zen4 = TemporalPlan(rows: 200, cols: 200, scalarBytes: 8, steps: 500, context: context(TestMachines.zen4))
        #expect(zen4.bands == [0 ..< 200] && zen4.depth == 1)
        let zen3 = TemporalPlan(rows: 200, cols: 200, scalarBytes: 8, steps: 500, context: context(TestMachines.zen3))
        #expect(zen3.bands == [0 ..< 200] && zen3.depth == TemporalPlan.cachedDepth)
        // In Float the grids are 320 000 B: within Zen 3's L2 too.
        let float = TemporalPlan(rows: 200, cols: 200, scalarBytes: 4, steps: 500, context: context(TestMachines.zen3))
        #expect(float.depth == 1)
    }

    @Test("4096² Double: 3 sweeps of about 16, in column tiles whose rings fit one core's L2")
    func large() {
        // 2 · 4096² · 8 B = 268 MB: beyond every last level, so about 16
        // deep: 50 / 16 rounds to 3 sweeps, of 17, 17 and 16. Rings of 6
        // rows · 8 B · 16 levels = 768 B per column; tiles of ⌊L2 / 768⌋ −
        // 2 · 17 columns, inner edges on multiples of 16.
        let zen4 = TemporalPlan(rows: 4096, cols: 4096, scalarBytes: 8, steps: 50, context: context(TestMachines.zen4))
        #expect(zen4.depth == 17 && zen4.sweeps(steps: 50) == 3)
        // 1 MiB: 1365 − 34 = 1331 columns, so 4 tiles of 1024.
        #expect(zen4.tiles == [0 ..< 1024, 1024 ..< 2048, 2048 ..< 3072, 3072 ..< 4096])
        #expect(zen4.ringRowWidth == 1024 + 2 * 17)
        // 512 KiB: 682 − 34 = 648 columns, so 7 tiles.
        let zen3 = TemporalPlan(rows: 4096, cols: 4096, scalarBytes: 8, steps: 50, context: context(TestMachines.zen3))
        #expect(zen3.depth == 17 && zen3.tiles.count == 7)
        #expect(zen3.tiles.first!.lowerBound == 0 && zen3.tiles.last!.upperBound == 4096)
        #expect(zip(zen3.tiles, zen3.tiles.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && $1.lowerBound % 16 == 0 })
        // Apple M: a 16 MiB last level is exceeded too; 2 MiB of L2 per core:
        // 2730 − 34 = 2696 columns, so 2 tiles; 8 bands of 512 rows.
        let apple = TemporalPlan(rows: 4096, cols: 4096, scalarBytes: 8, steps: 50, context: context(TestMachines.appleM))
        #expect(apple.depth == 17 && apple.bands.count == 8)
        #expect(apple.tiles == [0 ..< 2048, 2048 ..< 4096])
    }

    @Test("sweeps as close to the target depth as they come, within the band's limit")
    func sweepDepth() {
        // 50 / 16 = 3.1 → 3 sweeps (17, 17, 16); 56 / 16 = 3.5 → 4 (14 each);
        // 500 / 8 = 62.5 → 63 (8 or 7); fewer steps than half the target: one sweep.
        #expect(TemporalPlan.sweepDepth(steps: 50, target: 16, limit: 512) == 17)
        #expect(TemporalPlan.sweepDepth(steps: 56, target: 16, limit: 512) == 14)
        #expect(TemporalPlan.sweepDepth(steps: 500, target: 8, limit: 80) == 8)
        #expect(TemporalPlan.sweepDepth(steps: 7, target: 16, limit: 512) == 7)
        #expect(TemporalPlan.sweepDepth(steps: 500, target: 1, limit: 80) == 1)
        // 17 would pass a 16-row limit: the target, 16 (4 sweeps).
        #expect(TemporalPlan.sweepDepth(steps: 50, target: 16, limit: 16) == 16)
        // The limit caps the target itself: 50 / 4 = 12.5 → 13 sweeps of at most 4.
        #expect(TemporalPlan.sweepDepth(steps: 50, target: 16, limit: 4) == 4)
    }

    @Test("a one-core machine runs every schedule on one thread, and correctly")
    func oneCore() throws {
        let problem = Problem(rows: 640, cols: 640, dt: 0.2, boundary: .reflecting, initial: .gaussian(width: 40))
        let one = context(TestMachines.oneCore)
        for schedule in ScheduleRegistry.all {
            #expect(schedule.threads(for: problem, context: one) == 1, "\(schedule.descriptor.name)")
        }
        var expected = try problem.makeInitialGrid(Double.self)
        var grid = expected
        try ReferenceSchedule().run(&expected, steps: 11, problem: problem)
        try AutoSchedule().run(&grid, steps: 11, problem: problem, context: one)
        #expect(grid == expected)
    }

    @Test("threads reported are the threads that run: capped by the work and the machine's cores")
    func threads() {
        let seed = Problem.seed
        #expect(ParallelSchedule().threads(for: seed, context: context(TestMachines.zen4)) == 2)
        #expect(ParallelSchedule().threads(for: seed, context: context(TestMachines.appleM)) == 8)
        #expect(TemporalSchedule().threads(for: seed, context: context(TestMachines.appleM)) == 8)
        // 128² = 16 384 cells: fewer than one thread's minimum, one thread.
        let small = Problem(rows: 128, cols: 128)
        #expect(ParallelSchedule().threads(for: small, context: context(TestMachines.zen4)) == 1)
        #expect(AutoSchedule().threads(for: small, context: context(TestMachines.appleM)) == 1)
        // roll-add-blocked: one worker per 1024-cell block at most.
        let blocks = Problem(rows: 30, cols: 30)  // 900 cells, one block
        #expect(RollAddBlockedSchedule().threads(for: blocks, context: context(TestMachines.appleM)) == 1)
        #expect(RollAddBlockedSchedule().threads(for: Problem(rows: 64, cols: 64), context: context(TestMachines.appleM)) == 4)
        #expect(RollAddBlockedSchedule().threads(for: seed, context: context(TestMachines.appleM)) == 8)
        // An explicit count is honoured, whatever the machine.
        #expect(ParallelSchedule().threads(for: seed, context: context(TestMachines.oneCore, threads: 2)) == 2)
        // Single-core schedules say 1.
        #expect(SIMDSchedule().threads(for: seed, context: context(TestMachines.appleM)) == 1)
    }

    @Test("auto: simd below 32 768 cells (181²), temporal from 182², on every machine")
    func auto() {
        for (name, machine) in TestMachines.all {
            let on = context(machine)
            #expect(AutoSchedule().choice(for: Problem(rows: 100, cols: 100), context: on).descriptor.name == "simd", "\(name)")
            #expect(AutoSchedule().choice(for: Problem(rows: 181, cols: 181), context: on).descriptor.name == "simd", "\(name)")
            #expect(AutoSchedule().choice(for: Problem(rows: 182, cols: 182), context: on).descriptor.name == "temporal", "\(name)")
            #expect(AutoSchedule().choice(for: .seed, context: on).descriptor.name == "temporal", "\(name)")
            #expect(AutoSchedule().threads(for: .seed, context: on) == min(machine.cores, 8), "\(name)")
        }
    }
}
