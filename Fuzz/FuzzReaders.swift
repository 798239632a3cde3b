// libFuzzer entry point over DiffusionKit's file readers: the `.npy` header
// and data reader (both precisions) and the checkpoint reader.
//
// Built by Scripts/fuzz.sh together with DiffusionKit's sources into one
// executable (`swiftc -sanitize=fuzzer,address -parse-as-library`); it is not
// a SwiftPM target, so `swift build` never needs the fuzzer runtime.
//
// Each input is written to one scratch file (rewritten in place), then read
// as a .npy (as float64 and as float32) and as a checkpoint. A reader may
// throw — that is the point of a bad file — but it must never crash, hang,
// read out of bounds, or allocate more than the input justifies (libFuzzer's
// -rss_limit_mb and -malloc_limit_mb catch the last).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scratch file every input is written to.
private let scratchPath: String = {
    let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    return base + "/diffuse-fuzz-\(getpid()).bin"
}()

private let scratchDescriptor: Int32 = open(scratchPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard scratchDescriptor >= 0, ftruncate(scratchDescriptor, 0) == 0 else { return 0 }
    var done = 0
    while done < size {
        let written = pwrite(scratchDescriptor, data + done, size - done, off_t(done))
        if written <= 0 { return 0 }
        done += written
    }
    if let grid = try? NPYFile.read(path: scratchPath, as: Double.self) {
        precondition(grid.count > 0)
    }
    _ = try? NPYFile.read(path: scratchPath, as: Float.self)
    if let (info, field) = try? CheckpointFile.read(path: scratchPath) {
        switch field {
        case .double(let grid): precondition(grid.rows == info.problem.rows && grid.cols == info.problem.cols)
        case .float(let grid): precondition(grid.rows == info.problem.rows && grid.cols == info.problem.cols)
        }
    }
    return 0
}
