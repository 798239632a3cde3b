extension Sampler {
    /// Runs the protocol for several bodies side by side: warm-ups first,
    /// then rounds in which every body that still needs runs (fewer than
    /// `minimumRuns`, or less than `budget` measured, and not `maximumRuns`)
    /// runs once, in the order given, until none does.
    ///
    /// Why: on a shared machine the speed available to a process changes over
    /// seconds (another tenant's burst, a frequency change). Timed one after
    /// another, each body meets its own stretch of that weather, and a ratio
    /// between two of them measures the weather as much as the code; timed in
    /// turns, all meet the same stretches, and the best run of each (the least
    /// disturbed) is taken from the same quiet moments. Each body still gets
    /// the budget and the runs it would get alone (`run(measuring:)` is this
    /// protocol with one body).
    ///
    /// A body that throws stops only itself: its entry is the error, and the
    /// rounds go on without it.
    ///
    /// - Parameter bodies: each performs one run and returns the nanoseconds
    ///   it measured (as `run(measuring:)`'s body).
    /// - Returns: one result per body, in order.
    /// - Throws: `ConfigurationError` for the counts, as `run(measuring:)`.
    public func run(interleaving bodies: [() throws -> UInt64]) throws -> [Result<SampleSet, any Error>] {
        guard warmupRuns >= 0 else { throw ConfigurationError(description: "warmupRuns is \(warmupRuns): use 0 or more") }
        guard minimumRuns >= 1 else { throw ConfigurationError(description: "minimumRuns is \(minimumRuns): use at least 1") }
        if let maximumRuns, maximumRuns < minimumRuns {
            throw ConfigurationError(description: "maximumRuns (\(maximumRuns)) is below minimumRuns (\(minimumRuns))")
        }
        let budgetNanoseconds = budget.saturatingNanoseconds
        var warmups = Array(repeating: [Double](), count: bodies.count)
        var samples = Array(repeating: [Double](), count: bodies.count)
        var spent = Array(repeating: UInt64(0), count: bodies.count)
        var errors: [(any Error)?] = Array(repeating: nil, count: bodies.count)

        func wantsRun(_ index: Int) -> Bool {
            guard errors[index] == nil else { return false }
            if let maximumRuns, samples[index].count >= maximumRuns { return false }
            return samples[index].count < minimumRuns || spent[index] < budgetNanoseconds
        }
        for index in bodies.indices {
            do {
                for _ in 0..<warmupRuns { warmups[index].append(Double(try bodies[index]()) / 1e9) }
            } catch {
                errors[index] = error
            }
        }
        while true {
            let round = bodies.indices.filter(wantsRun)
            if round.isEmpty { break }
            for index in round {
                do {
                    let elapsed = try bodies[index]()
                    samples[index].append(Double(elapsed) / 1e9)
                    spent[index] &+= elapsed
                } catch {
                    errors[index] = error
                }
            }
        }
        return bodies.indices.map { index in
            if let error = errors[index] { return .failure(error) }
            do {
                return .success(try SampleSet(samples: samples[index], warmupSamples: warmups[index]))
            } catch {
                return .failure(error)
            }
        }
    }
}
