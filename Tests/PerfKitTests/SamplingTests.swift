import Testing
@testable import PerfKit

@Suite struct TimeitTests {
    @Test func autorangeOnFakeClock() throws {
        var now: UInt64 = 0
        // Each loop "takes" 1 ms: batches of 1, 2, 5, … 100 stay under 0.2 s; 200 reaches it.
        let result = try Timeit(repeats: 3).run(clock: { now }) { now += 1_000_000 }
        #expect(result.loops == 200)
        #expect(result.repeats == 3)
        #expect(result.timings == [1e-3, 1e-3, 1e-3])
        #expect(result.bestOfSummary == "200 loops, best of 3: 1 ms per loop")
        #expect(result.summary == "1 ms \u{00B1} 0 ns per loop (mean \u{00B1} std. dev. of 3 runs, 200 loops each)")
        #expect(result.cachingWarning == nil)
    }

    @Test func thresholdIsConfigurableAndLoopsCanBeFixed() throws {
        var now: UInt64 = 0
        let quick = try Timeit(repeats: 1, autorangeThreshold: .milliseconds(10)).run(clock: { now }) { now += 1_000_000 }
        #expect(quick.loops == 10)
        var calls = 0
        let fixed = try Timeit(repeats: 2, loops: 7).run(clock: { now }) { calls += 1; now += 10 }
        #expect(fixed.loops == 7 && calls == 14)
        #expect(fixed.summary.hasSuffix("(mean \u{00B1} std. dev. of 2 runs, 7 loops each)"))
    }

    @Test func ipythonLinesAndWarning() throws {
        let seed = try TimeitResult(loops: 100_000, timings: [2.6e-6, 2.6e-6, 41.262e-6])
        #expect(seed.bestOfSummary == "100000 loops, best of 3: 2.6 \u{00B5}s per loop")
        #expect(seed.cachingWarning == "The slowest run took 15.87 times longer than the fastest. "
            + "This could mean that an intermediate result is being cached.")
        #expect(seed.description.hasPrefix("The slowest run took 15.87"))
        #expect(seed.summary.hasSuffix("(mean \u{00B1} std. dev. of 3 runs, 100,000 loops each)"))
        let modern = try TimeitResult(loops: 10, timings: [1.92e-3 - 31.2e-6, 1.92e-3 + 31.2e-6])
        #expect(modern.summary == "1.92 ms \u{00B1} 31.2 \u{00B5}s per loop (mean \u{00B1} std. dev. of 2 runs, 10 loops each)")
        // Below 1 µs per loop IPython does not warn, whatever the ratio.
        #expect(try TimeitResult(loops: 1, timings: [1e-8, 1e-7]).cachingWarning == nil)
    }

    @Test func realTinyBody() throws {
        var counter = 0
        let result = try Timeit(repeats: 2, autorangeThreshold: .milliseconds(1)).run { counter &+= 1 }
        #expect(result.loops >= 1 && result.best > 0 && counter >= 2 * result.loops)
    }

    @Test func rejectsBadConfiguration() {
        #expect(throws: ConfigurationError.self) { try Timeit(repeats: 0).run {} }
        #expect(throws: ConfigurationError.self) { try Timeit(loops: 0).run {} }
        #expect(throws: ConfigurationError.self) { try Sampler(minimumRuns: 3, maximumRuns: 2).run {} }
    }
}

@Suite struct SamplerTests {
    @Test func budgetAndMinimumRuns() throws {
        var now: UInt64 = 0
        var calls = 0
        // 100 ms per run, 1 s budget: 1 warm-up, then 10 runs.
        let set = try Sampler(warmupRuns: 1, minimumRuns: 3, budget: .seconds(1)).run(clock: { now }) {
            calls += 1
            now += 100_000_000
        }
        #expect(set.warmupSamples == [0.1])
        #expect(set.samples.count == 10 && calls == 11)
        #expect(set.best == 0.1 && set.median == 0.1)

        // A run longer than the budget still gives the minimum number of runs.
        let slow = try Sampler(warmupRuns: 0, minimumRuns: 3, budget: .milliseconds(1)).run(clock: { now }) {
            now += 2_000_000_000
        }
        #expect(slow.samples.count == 3)
    }

    @Test func fixedRunsAndMaximum() throws {
        var now: UInt64 = 0
        let fixed = try Sampler.fixed(runs: 5).run(clock: { now }) { now += 1 }
        #expect(fixed.samples.count == 5 && fixed.warmupSamples.isEmpty)
        let capped = try Sampler(warmupRuns: 0, minimumRuns: 1, maximumRuns: 4, budget: .seconds(100))
            .run(clock: { now }) { now += 1 }
        #expect(capped.samples.count == 4)
    }

    @Test("a self-timed body: only the nanoseconds it returns count, towards samples and budget")
    func selfTimedBody() throws {
        var calls = 0
        // Each run does 70 ms of untimed work (not seen here) and reports 30 ms:
        // a 100 ms budget takes 4 runs (90 ms after 3 is still short of it).
        let set = try Sampler(warmupRuns: 2, minimumRuns: 1, budget: .milliseconds(100)).run(measuring: {
            calls += 1
            return 30_000_000
        })
        #expect(set.warmupSamples == [0.03, 0.03])
        #expect(set.samples == [0.03, 0.03, 0.03, 0.03])
        #expect(calls == 6)
        #expect(throws: ConfigurationError.self) { try Sampler(minimumRuns: 0).run(measuring: { 1 }) }
    }

    @Test("interleaved: each body gets its own budget and runs, taken in turns; a throwing body stops only itself")
    func interleaved() throws {
        struct Broken: Error {}
        var order: [String] = []
        // a: 100 ms a run, b: 300 ms, c: throws on its second call; budget 0.5 s, at least 2 runs.
        var cCalls = 0
        let results = try Sampler(warmupRuns: 1, minimumRuns: 2, budget: .milliseconds(500)).run(interleaving: [
            { order.append("a"); return 100_000_000 },
            { order.append("b"); return 300_000_000 },
            {
                order.append("c")
                cCalls += 1
                if cCalls == 2 { throw Broken() }
                return 1_000_000
            },
        ])
        let a = try results[0].get(), b = try results[1].get()
        #expect(a.warmupSamples == [0.1] && a.samples.count == 5)
        #expect(b.warmupSamples == [0.3] && b.samples.count == 2)
        #expect(throws: Broken.self) { try results[2].get() }
        // Warm-ups in order, then turns: a and b alternate while both still run.
        #expect(order == ["a", "b", "c", "a", "b", "c", "a", "b", "a", "a", "a"])
        #expect(throws: ConfigurationError.self) { try Sampler(minimumRuns: 0).run(interleaving: [{ 1 }]) }
    }
}
