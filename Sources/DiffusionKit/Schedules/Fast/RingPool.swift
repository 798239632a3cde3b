import Synchronization

/// The ring buffers of `temporal`'s threads, kept between runs.
///
/// Each thread of a temporal sweep needs rings of about its L2's size
/// (hundreds of KiB to a MiB). Allocated afresh every run, they come from
/// `mmap` or from a thread's malloc arena that gives its top back to the
/// system when they are freed, so a run may page-fault them in again (seen
/// as 182 page faults a run for one temporal plan on 1000×3000 Double, and
/// none for the same plan elsewhere in the same bench). Kept here, a later
/// run reuses them. The thread that first takes a buffer
/// allocates it and so touches it first (placing its pages near itself).
///
/// At most `maximumSpares` buffers are kept; `purge()` frees them
/// (`ScheduleResources.release()`).
enum RingPool {
    private struct Buffer: @unchecked Sendable {
        // @unchecked: a buffer is owned by one thread between take and giveBack.
        let pointer: UnsafeMutableRawPointer
        let bytes: Int
    }

    static let maximumSpares = 16
    /// Its capacity reserved once and kept through `purge()`: taking and
    /// giving back never allocate, so a run's allocations do not depend on
    /// what other runs beside it did to the list.
    private static let spares: Mutex<[Buffer]> = {
        var list: [Buffer] = []
        list.reserveCapacity(maximumSpares)
        return Mutex(list)
    }()

    /// A 64-byte-aligned buffer of at least `bytes`, and its size: the
    /// smallest spare that is large enough, else a new one.
    static func take(bytes: Int) -> (pointer: UnsafeMutableRawPointer, bytes: Int) {
        let spare: Buffer? = spares.withLock { list in
            // A loop, not `filter`: taking never allocates.
            var best: Int?
            for index in list.indices where list[index].bytes >= bytes {
                if best.map({ list[index].bytes < list[$0].bytes }) ?? true { best = index }
            }
            return best.map { list.remove(at: $0) }
        }
        if let spare { return (spare.pointer, spare.bytes) }
        return (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
    }

    /// Keeps a buffer from `take` for a later run; when `maximumSpares` are
    /// kept, frees the one given back longest ago. (It freed the buffer given
    /// back instead: with the list full of other plans' rings — tests side by
    /// side — a run's own ring was freed after every run and allocated again.)
    static func giveBack(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let evicted = spares.withLock { list -> Buffer? in
            let oldest = list.count >= maximumSpares ? list.removeFirst() : nil
            list.append(Buffer(pointer: pointer, bytes: bytes))
            return oldest
        }
        evicted?.pointer.deallocate()
    }

    /// Frees the spare buffers.
    static func purge() {
        spares.withLock { list in
            for buffer in list { buffer.pointer.deallocate() }
            list.removeAll(keepingCapacity: true)
        }
    }
}
