#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PerfKit
import Synchronization
import Testing

@Suite("simultaneous threads (the all-core roofs' runner)")
struct SimultaneousThreadsTests {
    /// Each body waits until every body has begun: run one after another on
    /// fewer threads, as `DispatchQueue.concurrentPerform` may, the first
    /// would wait for ever (here: until the 20 s guard gives up and the test
    /// fails). Yielding while waiting lets it pass on one visible core too.
    @Test("every index runs once, all at the same time (so each on its own thread)", arguments: [1, 2, 3, 5])
    func simultaneous(threads: Int) {
        let begun = Atomic<Int>(0)
        let sawEveryone = Atomic<Int>(0)
        let runs = Mutex<[Int: UInt]>([:])
        let seconds = SimultaneousThreads.run(threads) { index in
            begun.add(1, ordering: .sequentiallyConsistent)
            let deadline = PerfClock.monotonicNanoseconds() + 20_000_000_000
            while begun.load(ordering: .sequentiallyConsistent) < threads && PerfClock.monotonicNanoseconds() < deadline {
                sched_yield()
            }
            if begun.load(ordering: .sequentiallyConsistent) == threads { sawEveryone.add(1, ordering: .sequentiallyConsistent) }
            runs.withLock { $0[index, default: 0] += 1 }
        }
        #expect(sawEveryone.load(ordering: .sequentiallyConsistent) == threads)
        #expect(runs.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0 ..< threads).map { ($0, UInt(1)) }))
        #expect(seconds >= 0 && seconds < 20)
    }
}
