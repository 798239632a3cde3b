import DistributedDiffusion
import Testing

/// The projection `diffuse scale` prints: compute of the largest local grid
/// plus two latencies and the largest rank's bytes per exchange, the
/// exchange shared by h steps.
struct ScalingModelTests {
    @Test("one step: compute of the largest local grid, two latencies and the bytes over the bandwidth")
    func step() throws {
        let model = ScalingModel(updatesPerSecond: 1e9, bandwidthBitsPerSecond: 80e9, latencySeconds: 1e-6)
        let point = try #require(model.project(rows: 1024, cols: 1024, ranks: 4, haloDepth: 1, bytesPerCell: 8, periodic: false))
        #expect(point.processRows == 2 && point.processCols == 2)
        // Each 512² block has one west/east halo (512 cells) and one north/south halo (513 cells).
        #expect(point.traffic.largestProcessBytes == (512 + 513) * 8)
        #expect(abs(point.computeSeconds - 513.0 * 513 / 1e9) < 1e-15)
        #expect(abs(point.exchangeSeconds - (2e-6 + 8200 / 10e9)) < 1e-15)
        #expect(abs(point.stepSeconds - (point.computeSeconds + point.exchangeSeconds)) < 1e-15)
    }

    @Test("deep halos share one exchange among h steps and recompute the halo cells")
    func deep() throws {
        let model = ScalingModel(updatesPerSecond: 1e9, bandwidthBitsPerSecond: 100e9, latencySeconds: 2e-6)
        let shallow = try #require(model.project(rows: 4096, cols: 4096, ranks: 16, haloDepth: 1, bytesPerCell: 8, periodic: true))
        let deep = try #require(model.project(rows: 4096, cols: 4096, ranks: 16, haloDepth: 8, bytesPerCell: 8, periodic: true))
        #expect(deep.traffic.messagesPerStep * 8 == shallow.traffic.messagesPerStep)
        #expect(deep.computeSeconds == Double((1024 + 16) * (1024 + 16)) / 1e9)
        #expect(deep.stepSeconds == deep.computeSeconds + deep.exchangeSeconds / 8)
        // A halo deeper than the blocks cannot be projected.
        #expect(model.project(rows: 64, cols: 64, ranks: 64, haloDepth: 16, bytesPerCell: 8, periodic: false) == nil)
    }
}
