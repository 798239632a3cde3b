import ArgumentParser
import PerfKit
import Workbench

/// `diffuse micro`: the seed's small experiments, timed with %timeit.
struct MicroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micro",
        abstract: "The seed's micro-benchmarks in Swift, timed as %timeit times them.",
        discussion: """
            Each function is timed as IPython's %timeit does: autorange (batches of 1, 2, 5, 10, \
            20, 50, … loops until one takes 0.2 s), then --repeat batches of that many loops. \
            Both of IPython's lines are printed: the seed's "N loops, best of R: X per loop" and \
            the modern "mean ± std. dev." form. Timings mean something in a release build only \
            (`swift build -c release`).

            Examples:
              diffuse micro norm
              diffuse micro loop --iterations 10000000
            """,
        subcommands: [MicroNormCommand.self, MicroLoopCommand.self]
    )
}

/// IPython's %timeit options, shared by the micro-benchmarks.
struct TimeitOptions: ParsableArguments {
    @Option(name: .customLong("repeat"), help: ArgumentHelp("Timed batches (IPython's -r): the seed's best of 3 by default; modern IPython takes 7.", valueName: "r"))
    var repeats: Int = 3

    @Option(name: .long, help: ArgumentHelp("Loops per batch (IPython's -n; default: autorange to 0.2 s).", valueName: "n"))
    var loops: Int?

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeat must be at least 1, got \(repeats)") }
        if let loops, loops < 1 { throw ValidationError("--loops must be at least 1, got \(loops)") }
    }

    var timeit: Timeit { Timeit(repeats: repeats, loops: loops) }
}

struct MicroNormCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "norm",
        abstract: "Σ v² seven ways: for loop, reduce, lazy map, ContiguousArray, unsafe buffer, SIMD, dot.",
        discussion: """
            The seed timed norm_square over range(1000000) as a list, a comprehension, a \
            generator, an array.array, numpy.sum(v * v) and numpy.dot(v, v): 63 ms down to \
            672 µs. Here the same vector (0.0, 1.0, …, length − 1) is summed by a for loop over \
            [Double], Array.reduce, a lazy map then reduce, a for loop over ContiguousArray, an \
            index loop over an unsafe buffer pointer, one SIMD8<Double> accumulator, and a dot \
            product with four SIMD8 accumulators and fused multiply-add (the fastest means \
            without BLAS). Each is timed as %timeit does (autorange, then --repeat batches) and \
            printed in the seed's form ("10 loops, best of 3: 1.9 ms per loop") and modern \
            IPython's (mean ± std. dev.). Results go through PerfKit's blackHole so the \
            optimiser cannot drop the work. About 10 seconds in a release build.

            All seven must agree within a relative 1e-12, or n·ε when that is larger (the \
            rounding bound of a plain left-to-right sum of n positive terms; 2.2e-10 for a \
            million elements). Swift never reorders floating-point additions by itself, but \
            the SIMD forms add in a different order on purpose, and once the partial sums pass \
            2^53 (after about 300,000 terms of this vector) every addition is rounded: the \
            plain loop ends about 1.1e-12 from the exact sum, so 1e-12 alone would be too \
            tight. Below that (e.g. --length 1000, whose norm² is 332,833,500) all seven are \
            exact and equal. If they disagree the command fails after printing.

            Examples:
              diffuse micro norm
              diffuse micro norm --length 10000 --repeat 3
              diffuse micro norm --loops 10 --repeat 3
            """
    )

    @Option(name: .long, help: ArgumentHelp("Elements in the vector (1 to 100,000,000).", valueName: "n"))
    var length: Int = 1_000_000

    @OptionGroup var timing: TimeitOptions

    func validate() throws {
        guard (1 ... 100_000_000).contains(length) else {
            throw ValidationError("--length must be 1 to 100000000, got \(length)")
        }
    }

    func run() throws {
        let progress = StatProgress()
        let report = try NormBenchmark(length: length, timeit: timing.timeit).run { progress.show("timing \($0)…") }
        progress.finish()
        Terminal.standardOutput(report.text)
        guard report.agree else {
            throw CommandFailure("the norm implementations disagree by a relative \(formatError(report.largestRelativeDifference)), more than \(formatError(report.tolerance))")
        }
    }
}

struct MicroLoopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loop",
        abstract: "loop_slow (sin(n) inside the loop) against loop_fast (hoisted by hand).",
        discussion: """
            The seed's example of work an interpreter repeats: loop_slow computes \
            `result += i * sin(num_iterations)` for every i, loop_fast computes sin once and \
            multiplies at the end. n is read from the command line, so the compiler cannot fold \
            it into a constant; both are timed with %timeit and the ratio says whether the \
            optimiser already hoisted sin(n) out of the loop (a ratio near 1) or not. Either \
            answer is worth knowing: the compiler may move only what it can prove has no side \
            effects. Their values must agree within n·ε relative (the products are rounded one \
            by one in loop_slow, once in loop_fast).

            Examples:
              diffuse micro loop
              diffuse micro loop --iterations 100000 --repeat 3
            """
    )

    @Option(name: .long, help: ArgumentHelp("n, the number of loop iterations (1 to 1,000,000,000).", valueName: "n"))
    var iterations: Int = 1_000_000

    @OptionGroup var timing: TimeitOptions

    func validate() throws {
        guard (1 ... 1_000_000_000).contains(iterations) else {
            throw ValidationError("--iterations must be 1 to 1000000000, got \(iterations)")
        }
    }

    func run() throws {
        let progress = StatProgress()
        let report = try LoopBenchmark(iterations: iterations, timeit: timing.timeit).run { progress.show("timing \($0)…") }
        progress.finish()
        Terminal.standardOutput(report.text)
        guard report.agree else {
            throw CommandFailure("loop_slow and loop_fast disagree by a relative \(formatError(report.relativeDifference)), more than \(formatError(report.tolerance))")
        }
    }
}
