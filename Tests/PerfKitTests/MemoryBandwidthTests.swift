import PerfKit
import Testing

@Suite("Memory bandwidth (STREAM)")
struct MemoryBandwidthTests {
    @Test("copy and triad run on every thread and count STREAM's bytes")
    func smallArrays() {
        let results = MemoryBandwidth.measure(arrayBytes: 1 << 20, threads: 2, trials: 3)
        #expect(results.map(\.kernel) == [.copy, .triad])
        for result in results {
            #expect(result.trialSeconds.count == 3)
            #expect(result.bestSeconds == result.trialSeconds.min())
            let expected = Double(result.kernel.bytesPerElement * (1 << 17)) / result.bestSeconds
            #expect(abs(result.bytesPerSecond - expected) <= 1e-9 * expected)
            // A rate, not a speed test: how fast depends on the machine and its load.
            #expect(result.bytesPerSecond.isFinite && result.bytesPerSecond > 0)
            #expect(result.threads == 2 && result.arrayBytes == 1 << 20)
        }
    }

    @Test("arrays follow STREAM's rule: four times the largest cache, 64 MiB at least")
    func recommendedSize() {
        #expect(MemoryBandwidth.recommendedArrayBytes(largestCacheBytes: 32 << 20) == 128 << 20)
        #expect(MemoryBandwidth.recommendedArrayBytes(largestCacheBytes: 4 << 20) == 64 << 20)
        #expect(MemoryBandwidth.recommendedArrayBytes(largestCacheBytes: nil) == 64 << 20)
    }
}
