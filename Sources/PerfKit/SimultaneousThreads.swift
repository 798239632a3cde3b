#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Runs one body on several threads *at once* and times them together: what
/// an all-core roof (peak flops, bandwidth) needs.
///
/// Why not `DispatchQueue.concurrentPerform`: it promises only to use *up to*
/// the given number of threads, and libdispatch may run every iteration on
/// the calling thread when it judges its pool's threads busy. That happened in a
/// whole `diffuse roofline` run: every 2-thread roof came out equal to the
/// 1-thread one (add peak 29.3 against 29.2 GFlop/s, L1 load 206 against
/// 212 GB/s) while likwid-bench measured twice as much, and `parallel` was
/// reported at 139 % of its L3 roof. An all-core measurement that may
/// silently run on one core is no measurement, so these are real threads.
///
/// Protocol: the caller is thread 0; `threads − 1` new threads are created,
/// each announces itself and waits for the start signal, which is given
/// when all are ready. The time runs from that signal until the last body
/// returns, as each thread clocks its own end (thread creation and joining
/// are outside it). Waiting yields the processor, so that on one visible
/// core (`taskset -c 0`) the threads still all run, in turn.
public enum SimultaneousThreads {
    /// Runs `body(index)` for every index in 0 ..< `threads`, each on its own
    /// thread, started together; returns the seconds from the start to the
    /// end of the last body. One thread runs on the caller without new threads.
    ///
    /// - Precondition: `threads ≥ 1`.
    @discardableResult
    public static func run(_ threads: Int, _ body: (Int) -> Void) -> Double {
        precondition(threads >= 1, "at least one thread")
        if threads == 1 {
            let start = PerfClock.monotonicNanoseconds()
            body(0)
            return Double(PerfClock.monotonicNanoseconds() - start) * 1e-9
        }
        return withoutActuallyEscaping(body) { body in
            let gang = Gang(body: body)
            var started: [pthread_t] = []
            for index in 1 ..< threads {
                let context = Unmanaged.passRetained(Worker(gang: gang, index: index)).toOpaque()
                #if canImport(Darwin)
                var thread: pthread_t?
                let status = pthread_create(&thread, nil, { Worker.main($0) }, context)
                precondition(status == 0, "pthread_create failed: \(status)")
                started.append(thread!)
                #else
                var thread = pthread_t()
                let status = pthread_create(&thread, nil, { Worker.main($0!) }, context)
                precondition(status == 0, "pthread_create failed: \(status)")
                started.append(thread)
                #endif
            }
            gang.waitFor { gang.ready.load(ordering: .acquiring) == threads - 1 }
            let start = PerfClock.monotonicNanoseconds()
            gang.go.store(true, ordering: .releasing)
            gang.runBody(0)
            for thread in started { pthread_join(thread, nil) }
            return Double(gang.latestEnd.load(ordering: .acquiring) - start) * 1e-9
        }
    }

    /// What the threads of one run share.
    ///
    /// @unchecked Sendable: `body` is read-only and outlives every thread
    /// (`run` joins them before it returns); the rest is atomic.
    private final class Gang: @unchecked Sendable {
        let body: (Int) -> Void
        /// New threads waiting at the start line.
        let ready = Atomic<Int>(0)
        let go = Atomic<Bool>(false)
        /// The latest end of a body, in `PerfClock` nanoseconds.
        let latestEnd = Atomic<UInt64>(0)

        init(body: @escaping (Int) -> Void) {
            self.body = body
        }

        func runBody(_ index: Int) {
            body(index)
            latestEnd.max(PerfClock.monotonicNanoseconds(), ordering: .acquiringAndReleasing)
        }

        /// Spins, yielding the processor between tests.
        func waitFor(_ condition: () -> Bool) {
            while !condition() { sched_yield() }
        }
    }

    private final class Worker {
        let gang: Gang
        let index: Int
        init(gang: Gang, index: Int) {
            self.gang = gang
            self.index = index
        }

        static func main(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
            let worker = Unmanaged<Worker>.fromOpaque(context).takeRetainedValue()
            let gang = worker.gang
            gang.ready.add(1, ordering: .releasing)
            gang.waitFor { gang.go.load(ordering: .acquiring) }
            gang.runBody(worker.index)
            return nil
        }
    }
}
