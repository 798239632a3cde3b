#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import PerfKit

@Suite struct AllocationTests {
    @Test func countsAKnownNumberOfAllocations() throws {
        guard AllocationCounter.isAvailable else {
            // The test target does not link CAllocationCounter: the API must say so.
            #expect(throws: AllocationCountingUnavailable.self) { try AllocationCounter.measure {} }
            return
        }
        func churn() {
            for _ in 0..<1_000 {
                let pointer = malloc(64)
                blackHole(pointer)
                free(pointer)
            }
        }
        // The first call may make the Swift runtime allocate (type metadata
        // instantiated on first use); count a second call.
        _ = try AllocationCounter.measure(.callingThread, churn)
        let (_, counts) = try AllocationCounter.measure(.callingThread, churn)
        #expect(counts.allocations == 1_000)
        #expect(counts.deallocations == 1_000)
        #expect(counts.bytesAllocated == 64_000)
        #expect(counts.reallocations == 0)
    }

    @Test(.enabled(if: AllocationCounter.isAvailable, "the test binary does not link CAllocationCounter"))
    func countsEveryEntryPoint() throws {
        let (_, counts) = try AllocationCounter.measure(.callingThread) {
            let a = calloc(10, 8)                      // +1, 80 bytes
            let b = realloc(a, 160)                    // realloc, 160 bytes
            var c: UnsafeMutableRawPointer? = nil
            _ = posix_memalign(&c, 64, 128)            // +1, 128 bytes
            let d = aligned_alloc(64, 256)             // +1, 256 bytes
            let e = realloc(nil, 32)                   // +1, 32 bytes
            free(b); free(c); free(d); free(e)         // 4 frees
            free(nil)                                  // not counted
        }
        #expect(counts.allocations == 4)
        #expect(counts.reallocations == 1)
        #expect(counts.deallocations == 4)
        #expect(counts.bytesAllocated == 80 + 160 + 128 + 256 + 32)
    }

    @Test(.enabled(if: AllocationCounter.isAvailable, "the test binary does not link CAllocationCounter"))
    func seesSwiftAllocations() throws {
        let (array, counts) = try AllocationCounter.measure(.callingThread) {
            [Double](repeating: 1, count: 4_096)
        }
        #expect(array.count == 4_096)
        #expect(counts.allocations >= 1)
        #expect(counts.bytesAllocated >= 4_096 * 8)
        // Nothing is counted outside a measurement.
        let (_, idle) = try AllocationCounter.measure(.callingThread) {}
        #expect(idle.allocations == 0)
    }
}
