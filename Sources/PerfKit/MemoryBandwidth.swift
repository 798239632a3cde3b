#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sustainable memory bandwidth, measured the way the STREAM benchmark does.
///
/// Three arrays of `Double`, each far larger than the last-level cache, are
/// split into one contiguous chunk per thread (each thread first-touches its
/// own chunk). A kernel is run `trials` times; the best trial counts. Bytes
/// are counted as STREAM counts them — what the program asks to read and
/// write, not the hardware's extra traffic:
///
/// | kernel | operation            | bytes per element |
/// |--------|----------------------|-------------------|
/// | copy   | c[j] = a[j]          | 16                |
/// | triad  | a[j] = b[j] + s·c[j] | 24                |
///
/// Both kernels are vector loops with ordinary stores, as a C compiler at
/// -O3 -march=native makes of STREAM's loops, so the hardware also reads each
/// destination line before writing it (write-allocate), which STREAM does
/// not count. (`copy` is deliberately not a `memcpy`: the C library uses
/// non-temporal stores for large copies, which would measure something else.)
public enum MemoryBandwidth {
    /// A STREAM kernel.
    public enum Kernel: String, Sendable, Codable, CaseIterable {
        case copy, triad

        /// Bytes STREAM counts per array element.
        public var bytesPerElement: Int {
            switch self {
            case .copy: 16
            case .triad: 24
            }
        }
    }

    /// One kernel's result.
    public struct Result: Sendable, Codable, Equatable {
        public var kernel: Kernel
        /// Best bandwidth over the trials, in bytes per second.
        public var bytesPerSecond: Double
        /// The best trial's duration.
        public var bestSeconds: Double
        /// Every trial's duration.
        public var trialSeconds: [Double]
        public var threads: Int
        /// Bytes of each of the three arrays.
        public var arrayBytes: Int

        enum CodingKeys: String, CodingKey {
            case kernel, bytesPerSecond = "bytes_per_s", bestSeconds = "best_s", trialSeconds = "trials_s", threads
            case arrayBytes = "array_bytes"
        }
    }

    /// The array size STREAM's rules ask for: each array at least four times
    /// the largest cache (and 64 MiB at the least).
    public static func recommendedArrayBytes(largestCacheBytes: Int?) -> Int {
        max(64 << 20, 4 * (largestCacheBytes ?? 0))
    }

    /// Measures each kernel with `threads` threads over arrays of `arrayBytes` each.
    ///
    /// - Precondition: `arrayBytes ≥ 8 × threads`, `threads ≥ 1`, `trials ≥ 1`.
    public static func measure(kernels: [Kernel] = Kernel.allCases, arrayBytes: Int, threads: Int, trials: Int = 10) -> [Result] {
        precondition(threads >= 1 && trials >= 1 && arrayBytes >= 8 * threads, "bad bandwidth configuration")
        let count = arrayBytes / 8
        let arrays = (0 ..< 3).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: count) }
        defer { arrays.forEach { $0.deallocate() } }
        let chunks = (0 ..< threads).map { index in (count * index / threads) ..< (count * (index + 1) / threads) }
        let pointers = ArrayTriple(a: arrays[0], b: arrays[1], c: arrays[2])
        // First touch by the thread that will use each chunk, as STREAM does.
        SimultaneousThreads.run(threads) { index in
            for j in chunks[index] {
                pointers.a[j] = 1
                pointers.b[j] = 2
                pointers.c[j] = 0
            }
        }
        return kernels.map { kernel in
            var trialsSeconds: [Double] = []
            for _ in 0 ..< trials {
                trialsSeconds.append(SimultaneousThreads.run(threads) { index in
                    run(kernel, pointers, chunks[index])
                })
            }
            let best = trialsSeconds.min()!
            return Result(kernel: kernel, bytesPerSecond: Double(kernel.bytesPerElement * count) / best,
                          bestSeconds: best, trialSeconds: trialsSeconds, threads: threads, arrayBytes: count * 8)
        }
    }

    /// The three arrays, shared read-only (as pointers) by the threads.
    private struct ArrayTriple: @unchecked Sendable {
        // @unchecked: each thread writes only its own disjoint chunk.
        let a: UnsafeMutablePointer<Double>
        let b: UnsafeMutablePointer<Double>
        let c: UnsafeMutablePointer<Double>
    }

    private static func run(_ kernel: Kernel, _ arrays: ArrayTriple, _ chunk: Range<Int>) {
        switch kernel {
        case .copy:
            let a = UnsafeRawPointer(arrays.a), c = UnsafeMutableRawPointer(arrays.c)
            var j = chunk.lowerBound
            while j + 8 <= chunk.upperBound {
                c.storeBytes(of: a.loadUnaligned(fromByteOffset: j * 8, as: SIMD8<Double>.self), toByteOffset: j * 8, as: SIMD8<Double>.self)
                j += 8
            }
            while j < chunk.upperBound {
                arrays.c[j] = arrays.a[j]
                j += 1
            }
        case .triad:
            let scalar = 3.0
            let a = arrays.a, b = arrays.b, c = arrays.c
            for j in chunk { a[j] = b[j] + scalar * c[j] }
        }
    }
}
