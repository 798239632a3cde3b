// Workloads.swift: known amounts of CPU time and page faults, for tests of
// the measuring tools.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time the calling thread has used, nanoseconds
/// (CLOCK_THREAD_CPUTIME_ID): it does not advance while the thread waits.
public func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Burns `milliseconds` of the calling thread's CPU time (not wall time, so
/// a busy machine makes it take longer, never count for less).
public func spin(cpuMilliseconds milliseconds: Double) {
    let start = threadCPUNanoseconds()
    var x = 0.0
    while Double(threadCPUNanoseconds() - start) < milliseconds * 1e6 {
        for i in 0 ..< 1000 { x += Double(i).squareRoot() }
    }
    keep(x)
}

/// Maps `pages` fresh anonymous pages (huge pages off, so each touch is one
/// fault), writes one byte to each, and unmaps them: `pages` minor faults on
/// the calling thread.
public func touchFreshPages(_ pages: Int) {
    let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    let length = pages * pageSize
    guard let memory = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
          memory != MAP_FAILED else { return }
    #if os(Linux)
    _ = madvise(memory, length, 15 /* MADV_NOHUGEPAGE */)
    #endif
    let bytes = memory.assumingMemoryBound(to: UInt8.self)
    for page in 0 ..< pages { bytes[page * pageSize] = 1 }
    munmap(memory, length)
}

/// Keeps `value` alive, so the optimiser cannot drop the work that made it.
@inline(never)
public func keep<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
