import DiffuseTestSupport
import DiffusionKit
import Hardware
import PerfKit
import Testing
import Workbench

/// A 2-core Zen 4-like slice: 32 KiB L1d, 1 MiB L2 per core, 32 MiB L3 shared.
private let zen4 = TestMachines.zen4

/// Roofs with round numbers (`ReportFixture.roofs`): 1 and 2 threads,
/// 10 GFlop/s of adds and 20 of FMA per core in double; L1 100 GB/s, L2 50,
/// L3 30, memory 10 per core (all-core figures twice these, memory only 1.5×).
private func roofs() -> MachineRoofs { ReportFixture.roofs }

@Suite("roofline")
struct RoofTests {
    @Test("traffic: one step per sweep moves 2·S at every level the two grids do not fit above")
    func oneStepTraffic() {
        // 640² Double: 6.6 MB of grids, beyond two 1 MiB L2s, within L3.
        let seed = StencilTraffic(schedule: "parallel", rows: 640, cols: 640, scalarBytes: 8, threads: 2,
                                  depth: nil, tileWidth: nil, machine: zen4)
        // At L2 also the second reads of each strip's row above and below
        // (2 of 6 rows per 4 updates, 2 B each): the strip's 10 rows of 640
        // cells (46 KB at least) pass through the 32 KiB L1 between them.
        #expect(seed.bytes == ["L1": 20, "L2": 20, "L3": 16, "memory": 0])
        #expect(seed.flops == 7)
        // 256² Double on one core: 1 MiB of grids, within its L2.
        let small = StencilTraffic(schedule: "fused", rows: 256, cols: 256, scalarBytes: 8, threads: 1,
                                   depth: nil, tileWidth: nil, machine: zen4)
        #expect(small.bytes == ["L1": 16, "L2": 16, "L3": 0, "memory": 0])
        // 4096² Float streams from memory.
        let large = StencilTraffic(schedule: "simd", rows: 4096, cols: 4096, scalarBytes: 4, threads: 1,
                                   depth: 1, tileWidth: nil, machine: zen4)
        #expect(large.bytes["memory"] == 8 && large.intensity(at: "memory") == 7.0 / 8)
    }

    @Test("traffic: temporal blocking's bytes from memory shrink with depth; its rings cost L2 reads and writes")
    func temporalTraffic() {
        func traffic(_ depth: Int) -> StencilTraffic {
            StencilTraffic(schedule: "temporal", rows: 4096, cols: 4096, scalarBytes: 8, threads: 2,
                           depth: depth, tileWidth: 453, machine: zen4)
        }
        #expect(traffic(16).bytes["memory"] == 1 && traffic(8).bytes["memory"] == 2 && traffic(1).bytes["memory"] == 16)
        #expect(traffic(16).intensity(at: "memory")! > traffic(8).intensity(at: "memory")!)
        // A ring row is read again after 16 × 6 rows of 485 cells (372 KB): beyond L1,
        // within L2. At L2, besides the grid's 2·8/16 = 1 B: 15 of 16 levels write S to
        // their ring, and read 2 of every 4 ring rows again a round later, S/2; level 1
        // reads the grid's rows so too, S/2 for 1 of 16 levels: 7.5 + 3.75 + 0.25 B. The
        // first reads follow one strip's 9 other rows of 453 cells, 32 616 B: within a
        // 32 768-byte L1, so not counted. Nothing more at L3.
        #expect(traffic(16).bytes["L2"] == 12.5 && traffic(16).bytes["L3"] == 1)
        // Depth 2: one level in two writes a ring and reads half of it again, 4 + 2 B,
        // level 1 the grid's rows, 2 B, besides the grid's 8.
        #expect(traffic(2).bytes["L2"] == 16)
        // Tiles of 832 at depth 16 (a plan measured fast on the Zen 4): a round touches at
        // least 16 × 6 rows of 864 cells, 664 KB, within its 1 MiB L2, so no ring
        // traffic is claimed at L3.
        let tuned = StencilTraffic(schedule: "temporal", rows: 4096, cols: 4096, scalarBytes: 8, threads: 2,
                                   depth: 16, tileWidth: 832, machine: zen4)
        // Its strips' 9 rows of 832 cells (60 KB) exceed L1: the first reads too, 7.5 B.
        #expect(tuned.bytes["L2"] == 20 && tuned.bytes["L3"] == 1)
        // Wider tiles whose rounds exceed a 1 MiB L2 too (32 × 6 rows of 4096 + 64
        // cells, 6.4 MB): the rings' writes and second reads reach L3 as well; a
        // strip's 9 rows (295 KB) do not, so the first reads stay in L2.
        let deep = StencilTraffic(schedule: "temporal", rows: 4096, cols: 4096, scalarBytes: 8, threads: 2,
                                  depth: 32, tileWidth: nil, machine: zen4)
        #expect(deep.bytes["L3"] == 0.5 + 8 * 31.0 / 32 + 4 * 31.0 / 32 + 4.0 / 32 && deep.bytes["memory"] == 0.5)
        // The seed's workload, whole rows at depth 8: at L2 the grid's 2 B, the rings'
        // 7 B of writes, 7 B of first reads and 3.5 B of second reads, and level 1's
        // 0.5 B — every row a strip reads comes from L2. In Float a strip's 9 rows of
        // 640 cells take 23 KB, within L1: the first reads stay there, 1 + 3.5 + 1.75 + 0.25.
        func seed(_ scalarBytes: Int) -> StencilTraffic {
            StencilTraffic(schedule: "temporal", rows: 640, cols: 640, scalarBytes: scalarBytes, threads: 2,
                           depth: 8, tileWidth: nil, machine: zen4)
        }
        #expect(seed(8).bytes == ["L1": 20, "L2": 20, "L3": 2, "memory": 0])
        #expect(seed(4).bytes == ["L1": 10, "L2": 6.5, "L3": 1, "memory": 0])
    }

    @Test("traffic: folded rows pair the levels — the second of a pair reads the first from registers, the first stores half its rows")
    func foldedTraffic() {
        let zen4 = TestMachines.zen4
        func seed(depth: Int, folded: Bool) -> StencilTraffic {
            StencilTraffic(schedule: "temporal", rows: 640, cols: 640, scalarBytes: 8, threads: 2,
                           depth: depth, tileWidth: nil, folded: folded, machine: zen4)
        }
        // Depth 8, four pairs, per 8 updates in units of S = 8 B: first reads by
        // levels 3, 5, 7 (3); second reads by levels 2 … 8 (3.5); write-backs
        // of S/2 by levels 1, 3, 5, 7 and S by 2, 4, 6 (5); then the grid's
        // 2 + 0.5 as unfolded. (3 + 3.5 + 5 + 2.5) · 8 / 8 = 14 B, not 20. L1:
        // four first levels at 2·S and four second at 1.5·S, 1.75·S = 14 B.
        #expect(seed(depth: 8, folded: true).bytes == ["L1": 14, "L2": 14, "L3": 2, "memory": 0])
        #expect(seed(depth: 8, folded: false).bytes["L2"] == 20)
        // Depth 3: one pair and level 3 alone, which reads level 2 (a pair's
        // second, in the ring) as any level does: first reads 1, second 1,
        // write-backs 0.5 + 1; L1 2 + 1.5 + 2.5 = 6·S over 3 levels.
        let odd = seed(depth: 3, folded: true)
        #expect(odd.bytes["L1"] == 16)
        let ring: Double = 8 * (1 + 1 + 1.5) / 3, grid: Double = 2 * 8 / 3.0 + 4 / 3.0
        #expect(odd.bytes["L2"] == ring + grid)
        // One step per sweep cannot fold: the flag changes nothing.
        #expect(seed(depth: 1, folded: true) == seed(depth: 1, folded: false))
        // 32-byte vectors fold without pairing (TemporalSchedule.pairsFoldedLevels):
        // one level per pass moves what unfolded levels move.
        func avx2(folded: Bool) -> StencilTraffic {
            StencilTraffic(schedule: "temporal", rows: 640, cols: 640, scalarBytes: 8, threads: 2,
                           depth: 8, tileWidth: nil, folded: folded, machine: TestMachines.zen3)
        }
        #expect(avx2(folded: true) == avx2(folded: false))
        #expect(avx2(folded: true).bytes["L1"] == 20, "2.5·S per update, not 1.75·S")
    }

    @Test("roof: the lowest ceiling bounds, and the fraction is attained ÷ roof")
    func roof() throws {
        let traffic = StencilTraffic(schedule: "parallel", rows: 640, cols: 640, scalarBytes: 8, threads: 2,
                                     depth: nil, tileWidth: nil, machine: zen4)
        let roof = try #require(StencilRoof(roofs: roofs(), traffic: traffic, precision: .double, threads: 2, attained: 3e9))
        // L3: 60 GB/s ÷ 16 B = 3.75 G/s; L2: 100 ÷ 20 = 5; L1: 200 ÷ 20 = 10; compute: (20 + 40/2) / 6 = 6.67.
        #expect(roof.bound == .l3)
        #expect(abs(roof.updatesPerSecond - 3.75e9) < 1)
        #expect(abs(roof.fraction - 0.8) < 1e-12 && !roof.aboveRoof)
        #expect(abs(roof.ceilings["compute"]! - 40e9 / 6) < 1)
        // One thread: the one-core figures.
        let single = try #require(StencilRoof(roofs: roofs(), traffic: traffic, precision: .double, threads: 1, attained: 1e9))
        #expect(abs(single.ceilings["L3"]! - 30e9 / 16) < 1)
        // A rate above its roof is reported as such, never clipped.
        let impossible = try #require(StencilRoof(roofs: roofs(), traffic: traffic, precision: .double, threads: 2, attained: 5e9))
        #expect(impossible.aboveRoof && impossible.fraction > 1)
    }

    @Test("a multithreaded run's roof is never below one core's, even when the all-core figure came out lower")
    func neverBelowOneCore() throws {
        var busy = roofs()
        // A busy machine: the all-core L3 figure below the one-core one.
        busy.levels[2].bandwidth = [.init(kernel: .load, workingSetBytesPerThread: 1024, threads: 1, bytesPerSecond: 30e9),
                                    .init(kernel: .load, workingSetBytesPerThread: 1024, threads: 2, bytesPerSecond: 20e9)]
        let traffic = StencilTraffic(schedule: "parallel", rows: 640, cols: 640, scalarBytes: 8, threads: 2,
                                     depth: nil, tileWidth: nil, machine: zen4)
        let roof = try #require(StencilRoof(roofs: busy, traffic: traffic, precision: .double, threads: 2, attained: 1e9))
        #expect(abs(roof.ceilings["L3"]! - 30e9 / 16) < 1)
    }

    @Test("roofs measured twice merge figure by figure, each the larger; a result above the first is then within")
    func mergedRoofs() throws {
        var busy = roofs()
        // The first measurement met a busy moment: one core's memory at 6 GB/s, its FMA peak halved.
        busy.levels[3].bandwidth[0].bytesPerSecond = 6e9
        busy.levels[3].bandwidth[1].bytesPerSecond = 5e9
        busy.compute[1].flopsPerSecond /= 2
        let quiet = roofs()
        let merged = busy.merged(with: quiet)
        #expect(merged.levels[3].bestBytesPerSecond(threads: 1) == 10e9)
        #expect(merged.compute[1].flopsPerSecond == quiet.compute[1].flopsPerSecond)
        // Merging is symmetric in the figures, and a figure only the first has stays.
        #expect(quiet.merged(with: busy).levels[3].bestBytesPerSecond(threads: 1) == 10e9)
        var partial = quiet
        partial.levels.removeLast()
        #expect(busy.merged(with: partial).levels[3].bestBytesPerSecond(threads: 1) == 6e9)
        // simd from memory: 16 B a update; 0.5 G/s is above 6 GB/s ÷ 16 but within 10 GB/s ÷ 16.
        let traffic = StencilTraffic(schedule: "simd", rows: 4096, cols: 4096, scalarBytes: 8, threads: 1,
                                     depth: nil, tileWidth: nil, machine: zen4)
        let before = try #require(StencilRoof(roofs: busy, traffic: traffic, precision: .double, threads: 1, attained: 0.5e9))
        let after = try #require(StencilRoof(roofs: merged, traffic: traffic, precision: .double, threads: 1, attained: 0.5e9))
        #expect(before.bound == .memory && before.aboveRoof)
        #expect(after.bound == .memory && !after.aboveRoof)
    }

    @Test("roof JSON: bound, updates_per_s, fraction")
    func roofJSON() throws {
        let traffic = StencilTraffic(schedule: "simd", rows: 64, cols: 64, scalarBytes: 8, threads: 1,
                                     depth: nil, tileWidth: nil, machine: zen4)
        let roof = try #require(StencilRoof(roofs: roofs(), traffic: traffic, precision: .double, threads: 1, attained: 1e9))
        let text = try jsonText(roof)
        for key in ["\"bound\"", "\"updates_per_s\"", "\"fraction\""] { #expect(text.contains(key)) }
    }

    @Test("working sets come from the machine's caches")
    func workingSets() {
        let sets = MachineRoofsMeter.workingSets(machine: zen4, threads: 2)
        #expect(sets.map(\.name) == ["L1", "L2", "L3", "memory"])
        #expect(sets.map(\.perThread) == [16 << 10, 512 << 10, 8 << 20, 64 << 20])
        let apple = MachineDescription(cores: 8, caches: [.init(level: 1, type: .data, sizeBytes: 128 << 10),
                                                          .init(level: 2, sizeBytes: 16 << 20, sharedBy: 8)], vectorBytes: 16)
        #expect(MachineRoofsMeter.workingSets(machine: apple, threads: 8).map(\.name) == ["L1", "L2", "memory"])
    }

    @Test("likwid-bench's output is parsed by field")
    func likwidParse() {
        let text = "Size (Byte):\t\t32000\nMFlops/s:\t\t7537.00\nMByte/s:\t\t2009.87\n"
        #expect(LikwidBench.parse(text, field: "MFlops/s") == 7537)
        #expect(LikwidBench.parse(text, field: "MByte/s") == 2009.87)
        #expect(LikwidBench.parse(text, field: "Cycles") == nil)
    }
}
