import DiffusionKit
import DistributedDiffusion
import Testing

/// The arithmetic of the decomposition: process-grid shape, block ranges,
/// halo checks and the message naming the largest usable process count.
/// None of it needs MPI.
struct DecompositionTests {
    @Test("factors(of:) is MPI_Dims_create's 2D rule: a ≥ b, a·b = P, a − b smallest",
          arguments: [(1, 1, 1), (2, 2, 1), (3, 3, 1), (4, 2, 2), (6, 3, 2), (7, 7, 1), (8, 4, 2), (12, 4, 3), (16, 4, 4), (4096, 64, 64)])
    func factors(ranks: Int, a: Int, b: Int) {
        let (x, y) = Decomposition.factors(of: ranks)
        #expect(x == a && y == b)
    }

    @Test("blocks tile the extent; the first extent mod parts blocks hold one cell more")
    func blockRanges() {
        let ranges = (0 ..< 4).map { Decomposition.blockRange(index: $0, parts: 4, extent: 10) }
        #expect(ranges == [0 ..< 3, 3 ..< 6, 6 ..< 8, 8 ..< 10])
        for parts in 1 ... 9 {
            for extent in parts ... 40 {
                let blocks = (0 ..< parts).map { Decomposition.blockRange(index: $0, parts: parts, extent: extent) }
                #expect(blocks.first?.lowerBound == 0 && blocks.last?.upperBound == extent)
                #expect(zip(blocks, blocks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                #expect(blocks.map(\.count).max()! - blocks.map(\.count).min()! <= 1)
            }
        }
    }

    @Test("the larger factor splits the rows; the smallest block is the last")
    func shape() {
        let d = Decomposition(rows: 101, cols: 37, ranks: 6, periodic: false)
        #expect(d.processRows == 3 && d.processCols == 2)
        #expect(d.rowRange(0) == 0 ..< 34 && d.rowRange(2) == 68 ..< 101)
        #expect(d.colRange(1) == 19 ..< 37)
        #expect(d.smallestBlockRows == 33 && d.smallestBlockCols == 18)
    }

    @Test("halos: only along exchanged dimensions, at most the smallest block side")
    func haloLimits() {
        let bands = Decomposition(rows: 40, cols: 7, ranks: 4, periodic: false)  // 2×2
        #expect(bands.deepestHalo == 3)
        #expect(bands.supports(haloDepth: 3) && !bands.supports(haloDepth: 4))
        let one = Decomposition(rows: 5, cols: 5, ranks: 1, periodic: false)
        #expect(!one.exchangesAny && one.deepestHalo == nil && one.supports(haloDepth: 100))
        let wrapped = Decomposition(rows: 5, cols: 9, ranks: 1, periodic: true)
        #expect(wrapped.exchangesRows && wrapped.deepestHalo == 5 && !wrapped.supports(haloDepth: 6))
        // A 1-row block with a 1-deep halo makes a 2-row local grid: too thin to step.
        let thin = Decomposition(rows: 3, cols: 30, ranks: 3, periodic: false)
        #expect(!thin.supports(haloDepth: 1))
    }

    @Test("the automatic halo is an eighth of the smallest exchanged side, 1…16")
    func automaticHalo() {
        #expect(Decomposition(rows: 4096, cols: 4096, ranks: 2, periodic: false).automaticHaloDepth == 16)
        #expect(Decomposition(rows: 100, cols: 100, ranks: 2, periodic: false).automaticHaloDepth == 6)
        #expect(Decomposition(rows: 9, cols: 9, ranks: 4, periodic: true).automaticHaloDepth == 1)
    }

    @Test("a decomposition too fine for its halo is refused, naming the largest usable P")
    func refusal() throws {
        let d = Decomposition(rows: 10, cols: 10, ranks: 16, periodic: false)  // 4×4: blocks 2×2
        #expect(Decomposition.largestUsableRanks(rows: 10, cols: 10, atMost: 16, haloDepth: 3, periodic: false) == 9)
        let error = #expect(throws: DecompositionError.self) { try d.validate(haloDepth: 3) }
        #expect(error?.largestUsableRanks == 9)
        #expect(error?.description.contains("use at most 9 processes") == true)
        #expect(error?.description.contains("2×2 cells") == true)
        try Decomposition(rows: 10, cols: 10, ranks: 9, periodic: false).validate(haloDepth: 3)
    }

    @Test("cycles: at most h steps per exchange, as few cycles as that allows, spread evenly; one cycle without exchanges")
    func cycles() {
        #expect(BlockLayout.cycleLengths(steps: 10, haloDepth: 4, exchanges: true) == [4, 3, 3])
        #expect(BlockLayout.cycleLengths(steps: 50, haloDepth: 16, exchanges: true) == [13, 13, 12, 12])
        #expect(BlockLayout.cycleLengths(steps: 8, haloDepth: 4, exchanges: true) == [4, 4])
        #expect(BlockLayout.cycleLengths(steps: 3, haloDepth: 1, exchanges: true) == [1, 1, 1])
        #expect(BlockLayout.cycleLengths(steps: 10, haloDepth: 4, exchanges: false) == [10])
        #expect(BlockLayout.cycleLengths(steps: 0, haloDepth: 4, exchanges: true) == [])
    }

    @Test("halo traffic: two phases, messages per step fall h-fold")
    func traffic() {
        // 2 × 1 bands of a 64×48 grid, reflecting: one message each way per exchange.
        let bands = Decomposition(rows: 64, cols: 48, ranks: 2, periodic: false)
        let shallow = HaloTraffic(bands, haloDepth: 1, bytesPerCell: 8)
        let deep = HaloTraffic(bands, haloDepth: 8, bytesPerCell: 8)
        #expect(shallow.messagesPerExchange == 2 && shallow.bytesPerExchange == 2 * 48 * 8)
        #expect(deep.messagesPerExchange == 2 && deep.messagesPerStep * 8 == shallow.messagesPerStep)
        #expect(deep.bytesPerExchange == 8 * 2 * 48 * 8)
        // Periodic 2×2: every rank has four halos; north/south span the local width.
        let torus = HaloTraffic(Decomposition(rows: 20, cols: 20, ranks: 4, periodic: true), haloDepth: 2, bytesPerCell: 4)
        #expect(torus.messagesPerExchange == 16)
        #expect(torus.bytesPerExchange == 4 * (2 * 2 * 10 + 2 * 2 * 14) * 4)
    }
}
