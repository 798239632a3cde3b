#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PerfKit

/// Burns `milliseconds` of the calling thread's CPU time (not wall time, so a
/// busy machine makes it slower but not shorter).
func spin(cpuMilliseconds milliseconds: Double) {
    let start = PerfClock.threadCPUNanoseconds()
    var x = 0.0
    while Double(PerfClock.threadCPUNanoseconds() - start) < milliseconds * 1e6 {
        for i in 0..<1000 { x += Double(i).squareRoot() }
    }
    blackHole(x)
}

/// Maps `pages` fresh anonymous pages (huge pages off, so each touch is one
/// fault), writes one byte to each, and unmaps them.
func touchFreshPages(_ pages: Int) {
    let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    let length = pages * pageSize
    guard let memory = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
          memory != MAP_FAILED else { return }
    #if os(Linux)
    _ = madvise(memory, length, 15 /* MADV_NOHUGEPAGE */)
    #endif
    let bytes = memory.assumingMemoryBound(to: UInt8.self)
    for page in 0..<pages { bytes[page * pageSize] = 1 }
    munmap(memory, length)
}
