import Synchronization

/// Where the microbenchmarks' results go, so that the optimiser cannot drop
/// the work: a store to a global atomic is observable, where a call to
/// `blackHole` whose body it can see (whole-module optimisation) is not.
let microbenchmarkSink = Atomic<UInt64>(0)

/// Keeps `value` observable (see `microbenchmarkSink`).
@inline(never)
func sink(_ value: Double) {
    microbenchmarkSink.wrappingAdd(value.bitPattern, ordering: .relaxed)
}

/// Peak floating-point throughput, measured as likwid-bench's `peakflops`
/// and the Empirical Roofline Toolkit do: vector adds or fused multiply-adds
/// on independent accumulator chains held in registers, no memory traffic.
///
/// Each thread runs `chains` independent chains, one vector each: enough to
/// cover the latency × throughput product of current cores (4 cycles × 2
/// pipes = 8 for FMA on Zen 4 and Intel since Skylake), so the pipes, not the
/// latency, are the limit. The chains never overflow or go subnormal: an add
/// chain adds 2⁻²⁰ (exact for hundreds of millions of steps), an FMA chain
/// computes a·m + c with m slightly below 1, which converges to c/(1 − m).
///
/// Flops are counted as likwid counts them: one per lane for an add, two for
/// an FMA. The vector is the widest the build targets (`vectorBytes`: 64,
/// 32 or 16 bytes), so a build without AVX-512 measures AVX2's peak, as its
/// kernels would reach it.
public enum PeakFlops {
    /// The instruction timed.
    public enum Operation: String, Sendable, Codable, CaseIterable {
        case add, fma

        /// Flops per lane per instruction.
        public var flopsPerLane: Int { self == .add ? 1 : 2 }
    }

    /// The two precisions, by name (PerfKit knows nothing of the solver's types).
    public enum Precision: String, Sendable, Codable, CaseIterable {
        case double, float
    }

    /// One measurement.
    public struct Result: Sendable, Codable, Equatable {
        public var precision: Precision
        public var operation: Operation
        public var threads: Int
        /// Bytes per vector register used.
        public var vectorBytes: Int
        /// Best trial, flops per second on all `threads` together.
        public var flopsPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case precision, operation, threads, vectorBytes = "vector_bytes", flopsPerSecond = "flops_per_s"
        }

        public init(precision: Precision, operation: Operation, threads: Int, vectorBytes: Int, flopsPerSecond: Double) {
            self.precision = precision
            self.operation = operation
            self.threads = threads
            self.vectorBytes = vectorBytes
            self.flopsPerSecond = flopsPerSecond
        }
    }

    /// Accumulator chains per thread.
    public static let chains = 12

    /// Measures add and FMA in both precisions on `threads` threads, with
    /// vectors of `vectorBytes` (64, 32 or 16; anything else is taken as 16),
    /// `iterations` instructions per chain per trial, best of `trials`.
    public static func measure(vectorBytes: Int, threads: Int, iterations: Int = 4_000_000, trials: Int = 5) -> [Result] {
        precondition(threads >= 1 && iterations >= 1 && trials >= 1)
        var results: [Result] = []
        for precision in Precision.allCases {
            for operation in Operation.allCases {
                let (lanes, bytes) = Self.lanes(precision: precision, vectorBytes: vectorBytes)
                var best = Double.infinity
                for _ in 0 ..< trials {
                    let seconds = SimultaneousThreads.run(threads) { _ in
                        run(precision: precision, operation: operation, vectorBytes: bytes, iterations: iterations)
                    }
                    best = min(best, seconds)
                }
                let flops = Double(threads * chains * iterations * lanes * operation.flopsPerLane)
                results.append(Result(precision: precision, operation: operation, threads: threads,
                                      vectorBytes: bytes, flopsPerSecond: flops / best))
            }
        }
        return results
    }

    /// Lanes of one vector, and the vector's bytes as used.
    static func lanes(precision: Precision, vectorBytes: Int) -> (lanes: Int, bytes: Int) {
        let bytes = [64, 32, 16].contains(vectorBytes) ? vectorBytes : 16
        return (bytes / (precision == .double ? 8 : 4), bytes)
    }

    private static func run(precision: Precision, operation: Operation, vectorBytes: Int, iterations: Int) {
        switch (precision, vectorBytes) {
        case (.double, 64): sink(Double(chainsOf(SIMD8<Double>.self, operation, iterations).sum()))
        case (.double, 32): sink(Double(chainsOf(SIMD4<Double>.self, operation, iterations).sum()))
        case (.double, _): sink(Double(chainsOf(SIMD2<Double>.self, operation, iterations).sum()))
        case (.float, 64): sink(Double(chainsOf(SIMD16<Float>.self, operation, iterations).sum()))
        case (.float, 32): sink(Double(chainsOf(SIMD8<Float>.self, operation, iterations).sum()))
        case (.float, _): sink(Double(chainsOf(SIMD4<Float>.self, operation, iterations).sum()))
        }
    }

    /// Twelve independent chains of `operation`, `iterations` steps each;
    /// returns their sum so that the work is not dead code.
    @inline(__always)
    private static func chainsOf<V: SIMD>(_: V.Type, _ operation: Operation, _ iterations: Int) -> V
    where V.Scalar: BinaryFloatingPoint {
        let step = V(repeating: 1 / 1_048_576)
        let m = V(repeating: 0.999_999), c = V(repeating: 1e-6)
        var a0 = V(repeating: 1), a1 = V(repeating: 2), a2 = V(repeating: 3), a3 = V(repeating: 4)
        var a4 = V(repeating: 5), a5 = V(repeating: 6), a6 = V(repeating: 7), a7 = V(repeating: 8)
        var a8 = V(repeating: 9), a9 = V(repeating: 10), a10 = V(repeating: 11), a11 = V(repeating: 12)
        switch operation {
        case .add:
            for _ in 0 ..< iterations {
                a0 += step; a1 += step; a2 += step; a3 += step; a4 += step; a5 += step
                a6 += step; a7 += step; a8 += step; a9 += step; a10 += step; a11 += step
            }
        case .fma:
            for _ in 0 ..< iterations {
                a0 = c.addingProduct(a0, m); a1 = c.addingProduct(a1, m); a2 = c.addingProduct(a2, m)
                a3 = c.addingProduct(a3, m); a4 = c.addingProduct(a4, m); a5 = c.addingProduct(a5, m)
                a6 = c.addingProduct(a6, m); a7 = c.addingProduct(a7, m); a8 = c.addingProduct(a8, m)
                a9 = c.addingProduct(a9, m); a10 = c.addingProduct(a10, m); a11 = c.addingProduct(a11, m)
            }
        }
        return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
    }
}
