/// The seed's norm-square family (Σ vᵢ², its `norm_square_*` functions), in
/// Swift: the same sum written seven ways, from the plain loop to an
/// explicitly vectorised dot product.
///
/// They add in different orders — the loops left to right, the SIMD forms
/// in interleaved lanes combined at the end — so with inexact partial sums
/// they need not agree bit for bit; they agree to a relative 1e-12 or
/// better on the commands' vectors. Swift does not reassociate floating-point
/// additions by itself, so the scalar loops cannot be vectorised by the
/// compiler: only the SIMD forms, which change the order on purpose, can.
///
/// Every function is `@inline(never)`, so a benchmark times the call as the
/// seed's `%timeit` does and the optimiser cannot fold it into its caller.
public enum NormSquare {
    /// One way of computing the sum.
    public struct Implementation: Sendable {
        /// Short name, e.g. "for loop".
        public var name: String
        /// The seed function it mirrors, or what it shows.
        public var note: String
    }

    /// The seed's `norm_square_list`: a for loop over an Array.
    @inline(never)
    public static func forLoop(_ vector: [Double]) -> Double {
        var norm = 0.0
        for v in vector { norm += v * v }
        return norm
    }

    /// The seed's comprehension + `sum`, as `reduce`.
    @inline(never)
    public static func reduce(_ vector: [Double]) -> Double {
        vector.reduce(0) { $0 + $1 * $1 }
    }

    /// The seed's generator expression: a lazy map, then `reduce`.
    @inline(never)
    public static func lazyMapReduce(_ vector: [Double]) -> Double {
        vector.lazy.map { $0 * $0 }.reduce(0, +)
    }

    /// The seed's `array` module: a for loop over a ContiguousArray.
    @inline(never)
    public static func contiguousArray(_ vector: ContiguousArray<Double>) -> Double {
        var norm = 0.0
        for v in vector { norm += v * v }
        return norm
    }

    /// A loop over an unsafe buffer pointer: no bounds checks, still one add at a time.
    @inline(never)
    public static func unsafeBuffer(_ vector: [Double]) -> Double {
        vector.withUnsafeBufferPointer { buffer in
            var norm = 0.0
            for index in 0 ..< buffer.count { norm += buffer[index] * buffer[index] }
            return norm
        }
    }

    /// The seed's `numpy.sum(vector * vector)`: one SIMD8 accumulator, eight
    /// lanes summed at the end.
    @inline(never)
    public static func simd(_ vector: [Double]) -> Double {
        vector.withUnsafeBufferPointer { buffer in
            let count = buffer.count, wide = count / 8 * 8
            let base = UnsafeRawPointer(buffer.baseAddress)
            var lanes = SIMD8<Double>()
            var index = 0
            while index < wide {
                let v = base!.loadUnaligned(fromByteOffset: index * 8, as: SIMD8<Double>.self)
                lanes += v * v
                index += 8
            }
            var norm = lanes.sum()
            while index < count {
                norm += buffer[index] * buffer[index]
                index += 1
            }
            return norm
        }
    }

    /// The seed's `numpy.dot(vector, vector)` by the fastest means Swift has
    /// without BLAS: four independent SIMD8 accumulators, so four
    /// multiply-adds are in flight instead of one waiting on the last.
    @inline(never)
    public static func dot(_ vector: [Double]) -> Double {
        vector.withUnsafeBufferPointer { buffer in
            let count = buffer.count, wide = count / 32 * 32
            let base = UnsafeRawPointer(buffer.baseAddress)
            var a = SIMD8<Double>(), b = SIMD8<Double>(), c = SIMD8<Double>(), d = SIMD8<Double>()
            var index = 0
            while index < wide {
                let p = base! + index * 8
                let v0 = p.loadUnaligned(as: SIMD8<Double>.self)
                let v1 = p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
                let v2 = p.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self)
                let v3 = p.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self)
                a.addProduct(v0, v0)
                b.addProduct(v1, v1)
                c.addProduct(v2, v2)
                d.addProduct(v3, v3)
                index += 32
            }
            var norm = ((a + b) + (c + d)).sum()
            while index < count {
                norm += buffer[index] * buffer[index]
                index += 1
            }
            return norm
        }
    }

    /// Σ i² for i in 0 ..< n from the closed form (n − 1) n (2n − 1) / 6,
    /// computed in integers and then converted to a Double (exact up to
    /// 2⁵³, within a rounding or two beyond).
    public static func exactSumOfSquares(below n: Int) -> Double {
        guard n > 0 else { return 0 }
        let a = UInt64(n - 1), b = UInt64(n), c = UInt64(2 * n - 1)
        // One of a, b is even and one of a, b, c divisible by 3: divide first.
        var factors = [a, b, c]
        for divisor: UInt64 in [2, 3] {
            if let i = factors.firstIndex(where: { $0 % divisor == 0 }) { factors[i] /= divisor }
        }
        let (high, low) = factors[0].multipliedFullWidth(by: factors[1])
        guard high == 0 else {
            // Beyond 64 bits already (n above about 4 million): Doubles will do.
            return Double(factors[0]) * Double(factors[1]) * Double(factors[2])
        }
        let (high2, low2) = low.multipliedFullWidth(by: factors[2])
        return Double(high2) * 18_446_744_073_709_551_616.0 + Double(low2)
    }
}
