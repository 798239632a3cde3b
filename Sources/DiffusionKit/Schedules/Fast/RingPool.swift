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
    private static let spares = Mutex<[Buffer]>([])

    /// A 64-byte-aligned buffer of at least `bytes`, and its size.
    static func take(bytes: Int) -> (pointer: UnsafeMutableRawPointer, bytes: Int) {
        let spare: Buffer? = spares.withLock { list in
            // The smallest spare that is large enough.
            guard let index = list.indices.filter({ list[$0].bytes >= bytes }).min(by: { list[$0].bytes < list[$1].bytes }) else {
                return nil
            }
            return list.remove(at: index)
        }
        if let spare { return (spare.pointer, spare.bytes) }
        return (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
    }

    /// Keeps a buffer from `take` for a later run (or frees it when enough are kept).
    static func giveBack(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let kept = spares.withLock { list -> Bool in
            guard list.count < maximumSpares else { return false }
            list.append(Buffer(pointer: pointer, bytes: bytes))
            return true
        }
        if !kept { pointer.deallocate() }
    }

    /// Frees the spare buffers.
    static func purge() {
        let buffers = spares.withLock { list -> [Buffer] in
            defer { list = [] }
            return list
        }
        for buffer in buffers { buffer.pointer.deallocate() }
    }
}
