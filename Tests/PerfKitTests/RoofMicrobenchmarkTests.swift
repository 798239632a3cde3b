import PerfKit
import Testing

@Suite("roof microbenchmarks")
struct RoofMicrobenchmarkTests {
    @Test("peak flops: add and FMA in both precisions, on the vector width asked (16 for an unknown one)")
    func peakFlops() {
        let results = PeakFlops.measure(vectorBytes: 32, threads: 1, iterations: 1000, trials: 1)
        #expect(results.count == 4)
        #expect(results.allSatisfy { $0.flopsPerSecond > 0 && $0.flopsPerSecond.isFinite && $0.vectorBytes == 32 })
        #expect(Set(results.map(\.operation)) == [.add, .fma] && Set(results.map(\.precision)) == [.double, .float])
        #expect(PeakFlops.measure(vectorBytes: 48, threads: 1, iterations: 10, trials: 1).allSatisfy { $0.vectorBytes == 16 })
    }

    @Test("level bandwidth: load, copy, triad and eight-stream load on the working set asked")
    func levelBandwidth() {
        let results = LevelBandwidth.measure(workingSetBytesPerThread: 24 << 10, threads: 2, trials: 1, bytesPerTrial: 1 << 20)
        #expect(results.map(\.kernel) == [.load, .copy, .triad, .streams8])
        #expect(results.allSatisfy { $0.bytesPerSecond > 0 && $0.threads == 2 })
        // Whole 64-byte vectors of each array, as close to the set as that allows.
        #expect(results.allSatisfy { $0.workingSetBytesPerThread <= 24 << 10 && $0.workingSetBytesPerThread > (24 << 10) - 3 * 64 })
    }
}
