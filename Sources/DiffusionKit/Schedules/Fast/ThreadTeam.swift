#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A persistent team of threads that runs one closure on all its members, with
/// a barrier between the phases of that closure: OpenMP's `parallel` region,
/// for the `parallel` and `temporal` schedules.
///
/// Why not `DispatchQueue.concurrentPerform` per step: waking a pool and
/// joining it costs microseconds, and the seed's workload has 500 steps of
/// about 60 µs each. Here a whole run is *one* dispatch; the steps inside it
/// are separated by `barrier()`, which costs well under a microsecond when
/// the members arrive together.
///
/// - The caller is member 0 and works too; `size − 1` threads are started on
///   the first run and reused by every later one.
/// - Waiting (for a barrier or for the next run) spins briefly, then yields,
///   then blocks on a condition variable: an idle team uses no CPU.
/// - Runs are serialised: two threads calling `run` on one team take turns.
/// - `shutdown()` (also called by `deinit`) stops and joins the threads; a
///   later run starts new ones, so shutting down is always safe.
///
/// `shared(size:)` hands out one lazily made team per size, kept for the
/// life of the process (or until `shutdownShared()`).
final class ThreadTeam: Sendable {
    /// Members, the calling thread included.
    let size: Int
    private let state: TeamState
    /// The running worker threads; empty before the first run and after a
    /// shutdown. Held for the whole of a run, so that concurrent runs, and a
    /// shutdown during a run, take turns.
    private let threads = Mutex<[pthread_t]>([])

    /// This team's worker threads, started and alive: per team, so that a
    /// test counts only the threads of the team it made, whatever other
    /// tests running in parallel start.
    let counters = TeamCounters()

    /// A team of `size` members: the caller of `run` and `size − 1` threads,
    /// started by the first run.
    init(size: Int) {
        precondition(size >= 1, "a team needs at least one member")
        self.size = size
        state = TeamState(size: size)
    }

    deinit { shutdown() }

    /// Runs `body(member)` on every member, 0 ..< size, and returns when all
    /// have returned. `body` may call `barrier()`; every member must make the
    /// same number of calls.
    ///
    /// - Precondition: `body` does not call `run` on the same team.
    func run(_ body: (Int) -> Void) {
        if size == 1 { return body(0) }
        threads.withLock { threads in
            if threads.isEmpty { threads = startWorkers() }
            withoutActuallyEscaping(body) { body in
                state.start(body)
                body(0)
                // The members are done with `body` once they pass this barrier.
                state.barrier()
                state.finish()
            }
        }
    }

    /// Waits until every member has called `barrier()` as many times as this
    /// one. Only valid inside `run`'s body.
    func barrier() {
        if size > 1 { state.barrier() }
    }

    /// Stops the threads and waits for them to exit (after the run in
    /// progress, if any). Idempotent.
    func shutdown() {
        threads.withLock { threads in
            guard !threads.isEmpty else { return }
            state.stop()
            for thread in threads { pthread_join(thread, nil) }
            threads = []
        }
    }

    /// Whether worker threads are running (false before the first run and
    /// after `shutdown()`).
    var isRunning: Bool { threads.withLock { !$0.isEmpty } }

    private func startWorkers() -> [pthread_t] {
        let generation = state.restart()
        var started: [pthread_t] = []
        for member in 1 ..< size {
            let context = Unmanaged.passRetained(
                WorkerContext(state: state, counters: counters, member: member, generation: generation)).toOpaque()
            #if canImport(Glibc)
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { context in
                ThreadTeam.workerMain(context!)
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed: \(status)")
            started.append(thread)
            #else
            var thread: pthread_t?
            let status = pthread_create(&thread, nil, { context in
                ThreadTeam.workerMain(context)
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed: \(status)")
            started.append(thread!)
            #endif
            counters.started.add(1, ordering: .relaxed)
            counters.alive.add(1, ordering: .relaxed)
        }
        return started
    }

    // MARK: Shared teams

    private static let teams = Mutex<[Int: ThreadTeam]>([:])

    /// The process-wide team of `size` members, made on first use.
    static func shared(size: Int) -> ThreadTeam {
        teams.withLock { teams in
            if let team = teams[size] { return team }
            let team = ThreadTeam(size: size)
            teams[size] = team
            return team
        }
    }

    /// Shuts down and forgets every shared team; the next `shared(size:)`
    /// makes a new one. A run that already holds a team finishes normally.
    static func shutdownShared() {
        let all = teams.withLock { teams in
            let all = Array(teams.values)
            teams = [:]
            return all
        }
        for team in all { team.shutdown() }
    }

    // MARK: Workers

    private static func workerMain(_ context: UnsafeMutableRawPointer) {
        let worker = Unmanaged<WorkerContext>.fromOpaque(context).takeRetainedValue()
        worker.state.serve(member: worker.member, from: worker.generation)
        worker.counters.alive.subtract(1, ordering: .relaxed)
    }
}

/// Worker threads of one team (for tests: teams are reused, not remade, and
/// shutdown joins them all). Held apart from the team, so that a test can
/// still read it after the team is gone.
final class TeamCounters: Sendable {
    /// Threads ever started.
    let started = Atomic<Int>(0)
    /// Threads alive now (decremented as each exits).
    let alive = Atomic<Int>(0)
}

private final class WorkerContext {
    let state: TeamState
    let counters: TeamCounters
    let member: Int
    /// The job generation when the thread was started: it waits for the next.
    let generation: Int
    init(state: TeamState, counters: TeamCounters, member: Int, generation: Int) {
        self.state = state
        self.counters = counters
        self.member = member
        self.generation = generation
    }
}

/// The state the members share: the current job, the barrier, the sleepers.
///
/// @unchecked Sendable: `job` is a plain stored closure, written by the
/// caller of `run` only while no worker reads it (before the release-store of
/// `generation` that publishes it, and after the final barrier of the run,
/// which every worker has passed), and read by workers only between those two
/// points. The pthread mutex and condition are used only through pthread
/// calls. Everything else is an `Atomic`.
private final class TeamState: @unchecked Sendable {
    let size: Int
    /// Incremented to publish a job (or the stop request).
    let generation = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    /// Members that reached the current barrier.
    let arrived = Atomic<Int>(0)
    /// Incremented when all members have reached a barrier.
    let phase = Atomic<Int>(0)
    /// Members blocked (or about to block) on `condition`.
    let sleepers = Atomic<Int>(0)
    var job: ((Int) -> Void)?
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    let condition: UnsafeMutablePointer<pthread_cond_t>

    init(size: Int) {
        self.size = size
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    func start(_ body: @escaping (Int) -> Void) {
        job = body
        generation.add(1, ordering: .sequentiallyConsistent)
        wake()
    }

    func finish() { job = nil }

    /// Prepares for new workers after a shutdown; returns the generation
    /// they start from.
    func restart() -> Int {
        stopping.store(false, ordering: .sequentiallyConsistent)
        return generation.load(ordering: .sequentiallyConsistent)
    }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        wake()
    }

    /// The loop of a worker thread: wait for a job, run it, end with the barrier.
    func serve(member: Int, from start: Int) {
        var seen = start
        while true {
            wait { self.generation.load(ordering: .sequentiallyConsistent) != seen }
            seen = generation.load(ordering: .sequentiallyConsistent)
            if stopping.load(ordering: .sequentiallyConsistent) { return }
            job!(member)
            barrier()
        }
    }

    func barrier() {
        let current = phase.load(ordering: .sequentiallyConsistent)
        if arrived.add(1, ordering: .sequentiallyConsistent).newValue == size {
            // Nobody can arrive at the next barrier before `phase` moves on,
            // so the reset cannot lose an arrival.
            arrived.store(0, ordering: .sequentiallyConsistent)
            phase.store(current &+ 1, ordering: .sequentiallyConsistent)
            wake()
        } else {
            wait { self.phase.load(ordering: .sequentiallyConsistent) != current }
        }
    }

    /// Waits until `ready()`: spins (members usually arrive within
    /// microseconds of each other), then yields the core (it may be needed by
    /// a member that was preempted), then sleeps on the condition.
    ///
    /// No wake-up is lost: a sleeper increments `sleepers` and then tests
    /// `ready()`; a waker changes the state and then reads `sleepers`, all
    /// sequentially consistent, so at least one of them sees the other. A
    /// waker that sees a sleeper broadcasts under the mutex, which the sleeper
    /// holds from its test until `pthread_cond_wait` releases it.
    @inline(__always)
    func wait(until ready: () -> Bool) {
        for _ in 0 ..< 4000 {
            if ready() { return }
        }
        for _ in 0 ..< 64 {
            if ready() { return }
            sched_yield()
        }
        pthread_mutex_lock(mutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while !ready() { pthread_cond_wait(condition, mutex) }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
    }

    func wake() {
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
    }
}
