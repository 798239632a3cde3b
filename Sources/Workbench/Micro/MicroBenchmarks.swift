import Foundation
import PerfKit

/// One `%timeit` of a micro-benchmark: what was timed, what it computed.
public struct MicroResult: Sendable {
    public var name: String
    public var note: String
    public var value: Double
    public var timing: TimeitResult

    /// The function, the seed's two %timeit lines, and its value.
    public var text: String {
        "\(name) — \(note)\n  \(timing.bestOfDescription.replacingOccurrences(of: "\n", with: "\n  "))\n  \(timing.summary)\n"
            + "  value \(String(format: "%.17g", value))\n"
    }
}

/// The norm-square family timed on 0, 1, …, length − 1 (the seed's
/// `range(1000000)`), each function checked against the first.
public struct NormBenchmark: Sendable {
    public var length: Int
    public var timeit: Timeit

    /// The relative agreement required of the seven sums: 1e-12, or n·ε
    /// when that is larger (n·ε bounds the relative rounding error of a
    /// left-to-right sum of n positive terms).
    ///
    /// 1e-12 alone is too tight for the seed's million elements: the partial
    /// sums pass 2⁵³ after some 300,000 terms, and from there each addition
    /// rounds to a multiple of 32 or 64; the plain loop's result ends about
    /// 1.1e-12 from the exact sum, the SIMD forms elsewhere.
    public static func relativeTolerance(length: Int) -> Double {
        max(1e-12, Double(length) * Double.ulpOfOne)
    }

    public init(length: Int = 1_000_000, timeit: Timeit = Timeit(repeats: 7)) {
        self.length = length
        self.timeit = timeit
    }

    /// The seven functions and what each mirrors, in the seed's order.
    public static let implementations: [(name: String, note: String)] = [
        ("for loop", "norm_square_list: a for loop over [Double]"),
        ("reduce", "norm_square_list_comprehension: Array.reduce"),
        ("lazy map + reduce", "norm_square_generator_comprehension: a lazy map, then reduce"),
        ("ContiguousArray", "norm_square_array: a for loop over ContiguousArray<Double>"),
        ("unsafe buffer", "an index loop over an UnsafeBufferPointer: no bounds checks"),
        ("SIMD", "numpy.sum(vector * vector): one SIMD8<Double> accumulator"),
        ("dot (4 × SIMD8)", "numpy.dot(vector, vector): four SIMD8 accumulators with fused multiply-add"),
    ]

    /// Times every implementation.
    /// - Throws: `ConfigurationError` for a bad `timeit`.
    public func run(progress: (String) -> Void = { _ in }) throws -> NormReport {
        let vector = (0 ..< length).map(Double.init)
        let contiguous = ContiguousArray(vector)
        let bodies: [() -> Double] = [
            { NormSquare.forLoop(vector) },
            { NormSquare.reduce(vector) },
            { NormSquare.lazyMapReduce(vector) },
            { NormSquare.contiguousArray(contiguous) },
            { NormSquare.unsafeBuffer(vector) },
            { NormSquare.simd(vector) },
            { NormSquare.dot(vector) },
        ]
        var results: [MicroResult] = []
        for (index, body) in bodies.enumerated() {
            let (name, note) = Self.implementations[index]
            progress(name)
            let timing = try timeit.run { blackHole(body()) }
            results.append(MicroResult(name: name, note: note, value: body(), timing: timing))
        }
        return NormReport(length: length, expected: NormSquare.exactSumOfSquares(below: length), results: results)
    }
}

/// The norm-square timings and their agreement.
public struct NormReport: Sendable {
    public var length: Int
    /// Σ i² from the closed form.
    public var expected: Double
    public var results: [MicroResult]

    /// The largest |value − first value| / |first value| over the functions.
    public var largestRelativeDifference: Double {
        guard let first = results.first?.value else { return 0 }
        return results.map { abs($0.value - first) / max(abs(first), .leastNormalMagnitude) }.max() ?? 0
    }

    /// The agreement required: `NormBenchmark.relativeTolerance(length:)`.
    public var tolerance: Double { NormBenchmark.relativeTolerance(length: length) }

    /// True when every function's value is within `tolerance` of the first's.
    public var agree: Bool { largestRelativeDifference <= tolerance }

    public var text: String {
        var lines = ["norm² of the vector 0, 1, …, \(PerfFormat.grouped(length - 1)) (\(PerfFormat.grouped(length)) Doubles); "
            + "closed form (n−1)·n·(2n−1)/6 = \(String(format: "%.17g", expected))", ""]
        for result in results { lines.append(result.text) }
        var table = Table(columns: [.init("function", .left), .init("best per loop"), .init("vs for loop"), .init("per element")])
        let base = results.first?.timing.best ?? 0
        for result in results {
            table.rows.append([
                result.name, PerfFormat.timeSpan(result.timing.best),
                result.timing.best > 0 ? significant(base / result.timing.best, 3) + "×" : "–",
                PerfFormat.timeSpan(result.timing.best / Double(max(1, length))),
            ])
        }
        lines.append(table.text)
        lines.append((agree ? "All \(results.count) values agree" : "The values DISAGREE")
            + " within a relative \(formatError(tolerance)) (largest difference \(formatError(largestRelativeDifference))): "
            + "they add in different orders, and past 2⁵³ the sums are rounded, so they need not be equal bit for bit"
            + (tolerance > 1e-12 ? "; the bound is n·ε, not 1e-12, because a plain loop's rounding alone reaches about 1e-12 at this length." : "."))
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The seed's `loop_slow` (sin(n) inside the loop) and `loop_fast` (hoisted
/// by hand). n comes in at run time, so it cannot be folded into a constant.
public enum LoopHoisting {
    /// `result += i * sin(num_iterations)` for each i: the invariant sin(n)
    /// written inside the loop, as the seed's `loop_slow`.
    @inline(never)
    public static func slow(_ iterations: Int) -> Double {
        var result = 0.0
        for i in 0 ..< iterations {
            result += Double(i) * sin(Double(iterations))
        }
        return result
    }

    /// sin(n) computed once, the sum of i, then one multiplication: the seed's `loop_fast`.
    @inline(never)
    public static func fast(_ iterations: Int) -> Double {
        var result = 0.0
        let factor = sin(Double(iterations))
        for i in 0 ..< iterations {
            result += Double(i)
        }
        return result * factor
    }
}

/// `loop_slow` against `loop_fast`.
public struct LoopBenchmark: Sendable {
    public var iterations: Int
    public var timeit: Timeit

    /// Slower by less than this factor counts as "already hoisted".
    public static let hoistedRatio = 1.5

    public init(iterations: Int = 1_000_000, timeit: Timeit = Timeit(repeats: 7)) {
        self.iterations = iterations
        self.timeit = timeit
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> LoopReport {
        let n = iterations
        progress("loop_slow")
        let slow = MicroResult(name: "loop_slow", note: "result += i * sin(n) inside the loop",
                               value: LoopHoisting.slow(n), timing: try timeit.run { blackHole(LoopHoisting.slow(n)) })
        progress("loop_fast")
        let fast = MicroResult(name: "loop_fast", note: "factor = sin(n) hoisted out of the loop by hand",
                               value: LoopHoisting.fast(n), timing: try timeit.run { blackHole(LoopHoisting.fast(n)) })
        return LoopReport(iterations: n, slow: slow, fast: fast)
    }
}

public struct LoopReport: Sendable {
    public var iterations: Int
    public var slow: MicroResult
    public var fast: MicroResult

    /// Best slow time over best fast time.
    public var ratio: Double { fast.timing.best > 0 ? slow.timing.best / fast.timing.best : .infinity }

    /// The two sums differ by rounding only: Σ(i·s) rounds each product,
    /// s·Σi rounds once. Recursive summation of n terms is within about
    /// n·ε relative of the exact sum, so that (at least 1e-12) is the bound.
    public var tolerance: Double { max(1e-12, Double(iterations) * Double.ulpOfOne) }

    public var relativeDifference: Double {
        let scale = max(abs(slow.value), abs(fast.value))
        return scale == 0 ? 0 : abs(slow.value - fast.value) / scale
    }

    public var agree: Bool { relativeDifference <= tolerance }

    public var text: String {
        var lines = ["loop_slow against loop_fast, n = \(PerfFormat.grouped(iterations)) (taken at run time)", ""]
        lines.append(slow.text)
        lines.append(fast.text)
        let verdict = ratio < LoopBenchmark.hoistedRatio
            ? "loop_slow takes \(significant(ratio, 3))× loop_fast's time: the optimiser already hoisted sin(n) out of the loop (as Python's interpreter cannot)."
            : "loop_slow takes \(significant(ratio, 3))× loop_fast's time: the optimiser did not hoist sin(n), which is computed on every iteration; hoisting it by hand pays."
        lines.append(verdict)
        lines.append((agree ? "Their values agree" : "Their values DISAGREE")
            + " within a relative \(formatError(tolerance)) (difference \(formatError(relativeDifference))): Σ(i·sin n) rounds each product, sin n·Σi rounds once.")
        return lines.joined(separator: "\n") + "\n"
    }
}
