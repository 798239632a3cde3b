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
            #expect(result.bytesPerSecond > 1e8)  // any machine moves more than 100 MB/s
        }
    }

    @Test("arrays follow STREAM's rule: four times the largest cache, 64 MiB at least")
    func recommendedSize() {
        #expect(MemoryBandwidth.recommendedArrayBytes(largestCacheBytes: 32 << 20) == 128 << 20)
        #expect(MemoryBandwidth.recommendedArrayBytes(largestCacheBytes: 4 << 20) == 64 << 20)
        #expect(MemoryBandwidth.recommendedArrayBytes(largestCacheBytes: nil) == 64 << 20)
    }
}
