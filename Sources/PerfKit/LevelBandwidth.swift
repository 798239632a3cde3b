/// Bandwidth of one level of the memory hierarchy (L1, L2, L3 or DRAM),
/// measured as likwid-bench's `load`, `copy` and `triad` do: each thread
/// streams over arrays of its own whose total size (the working set) is
/// chosen to fit the level, again and again, and the best trial counts.
///
/// | kernel | operation            | arrays | bytes counted per element |
/// |--------|----------------------|--------|---------------------------|
/// | load   | s += a[j]            | 1      | 8                         |
/// | copy   | c[j] = a[j]          | 2      | 16                        |
/// | triad  | a[j] = b[j] + s·c[j] | 3      | 24                        |
/// | load8  | s += a[j + k·n/8], k = 0…7 | 1 | 8                         |
///
/// Bytes are counted as STREAM and likwid count them: what the program asks
/// to read and write, not the write-allocate reads the hardware adds. The
/// loops use 64-byte vectors (`SIMD8<Double>`; two 32-byte or four 16-byte
/// operations where the build has no AVX-512) with four independent
/// accumulators for `load`. Each trial streams at least `bytesPerTrial`, so
/// that a small working set is swept many times and the start and end of the
/// threads are a small part of it.
public enum LevelBandwidth {
    public enum Kernel: String, Sendable, Codable, CaseIterable {
        case load, copy, triad
        /// `load` from eight places of the array at once: eight streams in
        /// flight, as a stencil reading several rows has. A core's bandwidth
        /// from DRAM is limited by the misses it keeps in flight, so one or
        /// two streams (load, copy) can come out well below what it can do.
        case streams8 = "load8"

        /// Arrays the kernel touches.
        public var arrays: Int {
            switch self {
            case .load, .streams8: 1
            case .copy: 2
            case .triad: 3
            }
        }

        /// Bytes counted per element (of each array, read or written).
        public var bytesPerElement: Int { 8 * arrays }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var kernel: Kernel
        /// Bytes of all of one thread's arrays.
        public var workingSetBytesPerThread: Int
        public var threads: Int
        /// Best trial, bytes per second on all threads together.
        public var bytesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case kernel, workingSetBytesPerThread = "working_set_bytes_per_thread", threads, bytesPerSecond = "bytes_per_s"
        }

        public init(kernel: Kernel, workingSetBytesPerThread: Int, threads: Int, bytesPerSecond: Double) {
            self.kernel = kernel
            self.workingSetBytesPerThread = workingSetBytesPerThread
            self.threads = threads
            self.bytesPerSecond = bytesPerSecond
        }
    }

    /// Measures `kernels` on `threads` threads, each with a working set of
    /// `workingSetBytesPerThread` (at least 3 × 64 bytes), best of `trials`.
    public static func measure(kernels: [Kernel] = Kernel.allCases, workingSetBytesPerThread: Int, threads: Int,
                               trials: Int = 5, bytesPerTrial: Int = 256 << 20) -> [Result] {
        precondition(threads >= 1 && trials >= 1)
        // Elements per array, a multiple of 8 (one 64-byte vector).
        return kernels.map { kernel in
            // Whole vectors of 8; for load8, whole vectors in each of its eight parts.
            let unit = kernel == .streams8 ? 64 : 8
            let elements = max(unit, workingSetBytesPerThread / kernel.bytesPerElement / unit * unit)
            let passes = max(1, bytesPerTrial / threads / (elements * kernel.bytesPerElement))
            let buffers = (0 ..< threads).map { _ in
                Buffers(count: elements, arrays: kernel.arrays)
            }
            SimultaneousThreads.run(threads) { index in buffers[index].touch() }
            var best = Double.infinity
            for _ in 0 ..< trials {
                let seconds = SimultaneousThreads.run(threads) { index in
                    sink(buffers[index].run(kernel, passes: passes))
                }
                best = min(best, seconds)
            }
            buffers.forEach { $0.free() }
            let bytes = Double(threads) * Double(passes) * Double(elements * kernel.bytesPerElement)
            return Result(kernel: kernel, workingSetBytesPerThread: elements * kernel.bytesPerElement,
                          threads: threads, bytesPerSecond: bytes / best)
        }
    }

    /// One thread's arrays.
    private struct Buffers: @unchecked Sendable {
        // @unchecked: each thread uses only its own Buffers.
        let count: Int
        let pointers: [UnsafeMutablePointer<Double>]

        init(count: Int, arrays: Int) {
            self.count = count
            pointers = (0 ..< arrays).map { _ in
                UnsafeMutableRawPointer.allocate(byteCount: count * 8, alignment: 64).bindMemory(to: Double.self, capacity: count)
            }
        }

        /// First touch, by the thread that will use the arrays.
        func touch() {
            for (index, pointer) in pointers.enumerated() {
                pointer.initialize(repeating: Double(index + 1), count: count)
            }
        }

        func free() { pointers.forEach { $0.deallocate() } }

        func run(_ kernel: Kernel, passes: Int) -> Double {
            typealias V = SIMD8<Double>
            let vectors = count / 8
            switch kernel {
            case .load:
                let a = UnsafeRawPointer(pointers[0])
                var s0 = V(), s1 = V(), s2 = V(), s3 = V()
                for _ in 0 ..< passes {
                    var j = 0
                    while j + 4 <= vectors {
                        s0 += a.load(fromByteOffset: j * 64, as: V.self)
                        s1 += a.load(fromByteOffset: (j + 1) * 64, as: V.self)
                        s2 += a.load(fromByteOffset: (j + 2) * 64, as: V.self)
                        s3 += a.load(fromByteOffset: (j + 3) * 64, as: V.self)
                        j += 4
                    }
                    while j < vectors {
                        s0 += a.load(fromByteOffset: j * 64, as: V.self)
                        j += 1
                    }
                }
                return ((s0 + s1) + (s2 + s3)).sum()
            case .streams8:
                let a = UnsafeRawPointer(pointers[0])
                let part = vectors / 8
                var s = (V(), V(), V(), V(), V(), V(), V(), V())
                for _ in 0 ..< passes {
                    for j in 0 ..< part {
                        s.0 += a.load(fromByteOffset: j * 64, as: V.self)
                        s.1 += a.load(fromByteOffset: (j + part) * 64, as: V.self)
                        s.2 += a.load(fromByteOffset: (j + 2 * part) * 64, as: V.self)
                        s.3 += a.load(fromByteOffset: (j + 3 * part) * 64, as: V.self)
                        s.4 += a.load(fromByteOffset: (j + 4 * part) * 64, as: V.self)
                        s.5 += a.load(fromByteOffset: (j + 5 * part) * 64, as: V.self)
                        s.6 += a.load(fromByteOffset: (j + 6 * part) * 64, as: V.self)
                        s.7 += a.load(fromByteOffset: (j + 7 * part) * 64, as: V.self)
                    }
                }
                return (((s.0 + s.1) + (s.2 + s.3)) + ((s.4 + s.5) + (s.6 + s.7))).sum()
            case .copy:
                let a = UnsafeRawPointer(pointers[0]), c = UnsafeMutableRawPointer(pointers[1])
                for _ in 0 ..< passes {
                    for j in 0 ..< vectors {
                        c.storeBytes(of: a.load(fromByteOffset: j * 64, as: V.self), toByteOffset: j * 64, as: V.self)
                    }
                    sink(pointers[1][count - 1])
                }
                return pointers[1][0]
            case .triad:
                let a = UnsafeMutableRawPointer(pointers[0]), b = UnsafeRawPointer(pointers[1]), c = UnsafeRawPointer(pointers[2])
                let s = V(repeating: 1e-9)
                for _ in 0 ..< passes {
                    for j in 0 ..< vectors {
                        let value = b.load(fromByteOffset: j * 64, as: V.self)
                            .addingProduct(s, c.load(fromByteOffset: j * 64, as: V.self))
                        a.storeBytes(of: value, toByteOffset: j * 64, as: V.self)
                    }
                    sink(pointers[0][count - 1])
                }
                return pointers[0][0]
            }
        }
    }
}
