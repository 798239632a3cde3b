@testable import DiffusionKit
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under the temporary directory, removed when dropped.
private final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "diffusionkit-survival-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
    var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        FileManager.default.createFile(atPath: file(name), contents: Data(bytes))
        return file(name)
    }
}

/// A .npy file's bytes: `header` dict text, version 1.0.
private func npyBytes(dict: String, data: [UInt8] = [], major: UInt8 = 1, lengthOverride: [UInt8]? = nil) -> [UInt8] {
    let text = Array(dict.utf8) + [0x0A]
    let length = lengthOverride ?? (major == 1 ? [UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
        : [UInt8(text.count & 0xFF), UInt8(text.count >> 8), 0, 0])
    return NPYHeader.magic + [major, 0] + length + text + data
}

@Suite("Surviving bad input and interrupts (DiffusionKit)")
struct SurvivalTests {
    // MARK: PNG

    @Test("a finite field spanning -1e308…1e308 encodes (max − min overflowed to inf, then Int(NaN) trapped)")
    func pngWideRange() throws {
        var grid = Grid<Double>(rows: 3, cols: 3)
        grid[0, 0] = -1e308
        grid[2, 2] = 1e308
        let png = PNGFile.encode(grid)
        #expect(png.count > 50)
        let scratch = Scratch()
        try PNGFile.write(grid, to: scratch.file("wide.png"))
        #expect(scratch.contents == ["wide.png"])
    }

    // MARK: .npy reading

    @Test("a version-2 header announcing 0xFFFFFFFF bytes in a 13-byte file is refused before allocating")
    func hugeHeaderLength() throws {
        let scratch = Scratch()
        let path = scratch.write("h.npy", NPYHeader.magic + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x7B])
        #expect(throws: DiffusionError.npy(path: path, reason: "truncated: the header announces 4294967295 bytes but the file has only 1 after the preamble")) {
            _ = try NPYFile.read(path: path, as: Double.self)
        }
    }

    @Test("a shape needing more bytes than the file holds is refused before allocating (100000×100000 is 80 GB)")
    func shapeBeyondFile() throws {
        let scratch = Scratch()
        let path = scratch.write("s.npy", npyBytes(dict: "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }", data: [0, 0, 0, 0, 0, 0, 0, 0]))
        do {
            _ = try NPYFile.read(path: path, as: Double.self)
            Issue.record("read a truncated file")
        } catch {
            #expect("\(error)".contains("truncated: the header announces 100000×100000 float64 values (80000000000 bytes) but only 8 bytes follow"))
        }
    }

    @Test("a dtype with an absurd width is refused, not multiplied into an overflow (found by the fuzzer)")
    func absurdDtypeWidth() throws {
        let scratch = Scratch()
        let path = scratch.write("w.npy", npyBytes(dict: "{'descr': '<f00000000004366274717449278800', 'fortran_order': True, 'shape': (5, 2), }", data: Array(repeating: 0, count: 80)))
        #expect(throws: DiffusionError.npy(path: path, reason: "holds structured or unknown values ('<f00000000004366274717449278800'): expected float64 ('<f8') or float32 ('<f4'); convert with numpy, e.g. a.astype('float64')")) {
            _ = try NPYFile.read(path: path, as: Double.self)
        }
    }

    @Test("a .npy arriving through a pipe is read through one descriptor, header and data; a second read gets the kept field")
    func pipeInput() throws {
        var grid = Grid<Double>(rows: 4, cols: 5)
        grid[1, 2] = 0.25
        let bytes = NPYFile.encode(grid)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let written = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) }
        #expect(written == bytes.count)
        close(fds[1])
        let path = "/dev/fd/\(fds[0])"
        let problem = try Problem(initial: .file(path: path)).adoptingShapeOfInitialFile()
        #expect(problem.rows == 4 && problem.cols == 5)
        #expect(try problem.makeInitialGrid(Double.self) == grid)
        // A pipe cannot be re-read; the field read once is kept for the next use.
        #expect(try problem.makeInitialGrid(Double.self) == grid)
        #expect(try problem.makeInitialGrid(Float.self) == grid.converted(to: Float.self))
    }

    @Test("a file replaced between reading its shape and its data is still read as one file (no --size message)")
    func replacedBetweenReads() throws {
        let scratch = Scratch()
        let path = scratch.file("start.npy")
        let first = Grid<Double>(rows: 3, cols: 3, repeating: 0.5)
        try NPYFile.write(first, to: path)
        let problem = try Problem(initial: .file(path: path)).adoptingShapeOfInitialFile()
        // Another file renamed over the path, as an editor or a second run would.
        try NPYFile.write(Grid<Double>(rows: 4, cols: 5, repeating: 2), to: path)
        #expect(try problem.makeInitialGrid(Double.self) == first)
    }

    // MARK: Non-finite input

    @Test("an initial file holding inf or NaN is refused, naming the file and the first cell")
    func nonFiniteInitialFile() throws {
        let scratch = Scratch()
        var grid = Grid<Double>(rows: 3, cols: 4, repeating: 1)
        grid[1, 2] = .infinity
        grid[2, 0] = .nan
        let path = scratch.file("inf.npy")
        try NPYFile.write(grid, to: path)
        let problem = try Problem(initial: .file(path: path)).adoptingShapeOfInitialFile()
        #expect(throws: DiffusionError.nonFiniteInput(path: path, count: 2, row: 1, col: 2)) {
            _ = try problem.makeInitialGrid(Double.self)
        }
    }

    @Test("a float64 1e300 read as float32 would become inf: refused with a message")
    func floatOverflowOnRead() throws {
        let scratch = Scratch()
        var grid = Grid<Double>(rows: 3, cols: 3, repeating: 1)
        grid[2, 1] = 1e300
        let path = scratch.file("big.npy")
        try NPYFile.write(grid, to: path)
        do {
            _ = try NPYFile.read(path: path, as: Float.self)
            Issue.record("1e300 became a float32")
        } catch {
            #expect("\(error)".contains("the value 1e+300 at row 2, column 1 is beyond float32's range"))
        }
        #expect(try NPYFile.read(path: path, as: Double.self) == grid)
    }

    @Test("the summary of a field with inf reports max inf and a non-finite mass; with NaN a NaN mass")
    func honestSummary() {
        var grid = Grid<Double>(rows: 3, cols: 3, repeating: 0.5)
        grid[0, 0] = .infinity
        let withInfinity = FieldSummary(grid)
        #expect(withInfinity.maximum == .infinity)
        #expect(withInfinity.mass == .infinity)
        #expect(withInfinity.minimum == 0.5)
        #expect(withInfinity.nonFiniteCount == 1)
        grid[1, 1] = .nan
        let withNaN = FieldSummary(grid)
        #expect(withNaN.mass.isNaN)
        #expect(withNaN.nonFiniteCount == 2)
        grid[0, 0] = -.infinity
        grid[1, 1] = 1
        #expect(FieldSummary(grid).minimum == -.infinity)
        #expect(FieldSummary(grid).mass == -.infinity)
    }

    // MARK: Memory

    @Test("the budget is the least of ¾ RAM, ¾ of the cgroup limit and what ulimit -v leaves")
    func budgetCombination() {
        let gib = 1 << 30
        #expect(MemoryBudget.combine(physical: 16 * gib, cgroupLimit: nil, addressSpaceLimit: nil, virtualSize: nil) == 12 * gib)
        #expect(MemoryBudget.combine(physical: 16 * gib, cgroupLimit: 4 * gib, addressSpaceLimit: nil, virtualSize: nil) == 3 * gib)
        #expect(MemoryBudget.combine(physical: 16 * gib, cgroupLimit: 4 * gib, addressSpaceLimit: 2 * gib, virtualSize: gib)
            == gib - MemoryBudget.addressSpaceMargin)
        #expect(MemoryBudget.combine(physical: nil, cgroupLimit: nil, addressSpaceLimit: gib, virtualSize: 2 * gib) == 0)
        #expect(MemoryBudget.combine(physical: nil, cgroupLimit: nil, addressSpaceLimit: nil, virtualSize: nil) == nil)
    }

    @Test("cgroup files: v2 'max' and v1's huge value mean no limit; membership lines find the memory cgroup")
    func cgroupParsing() {
        #expect(MemoryBudget.parseCgroupLimit("max\n") == nil)
        #expect(MemoryBudget.parseCgroupLimit("536870912\n") == 536_870_912)
        #expect(MemoryBudget.parseCgroupLimit("9223372036854771712\n") == nil)
        let v2 = MemoryBudget.parseCgroupMembership("0::/user.slice/session-1.scope\n")
        #expect(v2.count == 1 && v2[0].isV2 && v2[0].path == "/user.slice/session-1.scope")
        let v1 = MemoryBudget.parseCgroupMembership("12:cpu,cpuacct:/a\n4:memory:/docker/abc\n0::/\n")
        #expect(v1.first.map { !$0.isV2 && $0.path == "/docker/abc" } == true)
    }

    @Test("a grid beyond the budget is an outOfMemory error, not a fatal allocation failure")
    func failableAllocation() {
        #expect(throws: DiffusionError.self) { _ = try Grid<Double>(allocating: 1 << 24, cols: 1 << 24) }
        #expect((try? Grid<Double>(allocating: 3, cols: 4, repeating: 2))?.values == Array(repeating: 2, count: 12))
    }

    @Test("schedules declare at least the default peak; the NumPy-style rungs declare more")
    func declaredPeaks() throws {
        let problem = Problem(rows: 64, cols: 64)
        for schedule in ScheduleRegistry.all { #expect(schedule.peakGrids(for: problem) >= 2, "\(schedule.descriptor.name)") }
        #expect(try ScheduleRegistry.named("whole-array").peakGrids(for: problem) >= 7)
        #expect(try ScheduleRegistry.named("nested").peakGrids(for: problem) >= 4)
        #expect(try ScheduleRegistry.named("in-place").peakGrids(for: problem) >= 3)
    }

    // MARK: Destinations

    @Test("a name of 250 bytes is written: the temporary name is shortened to fit 255 bytes")
    func longNames() throws {
        let scratch = Scratch()
        let name = String(repeating: "n", count: 246) + ".npy"
        try NPYFile.write(Grid<Double>(rows: 3, cols: 3), to: scratch.file(name))
        #expect(scratch.contents == [name])
        #expect(AtomicFileWriter.temporaryName(for: "/a/" + name, attempt: 999, pid: 4_194_304).utf8.count == 3 + 255)
        #expect(throws: DiffusionError.self) { try OutputFolder.checkWritable(file: scratch.file(String(repeating: "m", count: 252) + ".npy")) }
    }

    @Test("/proc and /sys destinations are refused before any work", arguments: ["/proc/x.npy", "/sys/kernel/x.npy"])
    func pseudoFileSystems(path: String) {
        #expect(throws: DiffusionError.self) { try OutputFolder.checkWritable(file: path) }
    }

    @Test("writing to a symbolic link replaces its target's contents and keeps the link")
    func symlinkDestination() throws {
        let scratch = Scratch()
        try NPYFile.write(Grid<Double>(rows: 3, cols: 3), to: scratch.file("target.npy"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link.npy"), withDestinationPath: "target.npy")
        let grid = Grid<Double>(rows: 4, cols: 4, repeating: 7)
        try NPYFile.write(grid, to: scratch.file("link.npy"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.file("link.npy")) == "target.npy")
        #expect(try NPYFile.read(path: scratch.file("target.npy"), as: Double.self) == grid)
        #expect(scratch.contents == ["link.npy", "target.npy"])
    }

    @Test("a dead process's temporary file is removed by the next write into the folder; a live one's is kept")
    func staleTemporaryFiles() throws {
        let scratch = Scratch()
        let dead = scratch.write(".field.npy.tmp-2147483646-0", [1, 2, 3])
        let live = scratch.write(".field.npy.tmp-\(getppid())-0", [1, 2, 3])
        let unrelated = scratch.write(".notes.tmp-abc-0", [1])
        #expect(StaleTemporaryFiles.owner(ofTemporaryName: ".field.npy.tmp-2147483646-0") == 2_147_483_646)
        #expect(StaleTemporaryFiles.owner(ofTemporaryName: ".tmp-5-0") == nil)
        #expect(StaleTemporaryFiles.sweep(folder: scratch.path) == [".field.npy.tmp-2147483646-0"])
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: unrelated))
    }

    @Test("an open writer's temporary file is registered for the signal handler until it is committed")
    func registryHoldsInFlightFiles() throws {
        let scratch = Scratch()
        let writer = try AtomicFileWriter(path: scratch.file("f.npy"))
        try writer.write([1, 2, 3])
        let temporary = try #require(scratch.contents.first)
        #expect(temporary.hasPrefix(".f.npy.tmp-"))
        #expect(CleanupRegistry.registeredFiles.contains(scratch.file(temporary)))
        try writer.commit()
        #expect(!CleanupRegistry.registeredFiles.contains(scratch.file(temporary)))
        #expect(scratch.contents == ["f.npy"])
    }

    // MARK: Checkpoints

    private func sampleCheckpoint(_ scratch: Scratch, version: Int? = nil) throws -> (String, CheckpointFile.Info, Grid<Double>) {
        let problem = Problem(rows: 9, cols: 7, dt: 0.2, boundary: .fixed(0.5), initial: .gaussian(width: 2))
        var grid = try problem.makeInitialGrid(Double.self)
        try ReferenceSchedule().run(&grid, steps: 5, problem: problem)
        let info = CheckpointFile.Info(problem: problem, step: 5, iterations: 20, schedule: "reference")
        let path = scratch.file("c.npz")
        try CheckpointFile.write(grid, info: info, to: path)
        return (path, info, grid)
    }

    @Test("a checkpoint reads back its field bit for bit and its problem, step and schedule")
    func checkpointRoundTrip() throws {
        let scratch = Scratch()
        let (path, info, grid) = try sampleCheckpoint(scratch)
        let (readInfo, field) = try CheckpointFile.read(path: path)
        #expect(readInfo == info)
        guard case .double(let readGrid) = field else { Issue.record("wrong precision"); return }
        #expect(readGrid.values.map(\.bitPattern) == grid.values.map(\.bitPattern))
        #expect(scratch.contents == ["c.npz"])
    }

    @Test("every damaged byte of a checkpoint is caught: no crash, a one-line refusal")
    func checkpointEveryByteFlipped() throws {
        let scratch = Scratch()
        let (path, _, _) = try sampleCheckpoint(scratch)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // The central directory (two entries of 46 + 9 bytes, then the 22-byte
        // end record) is only checked for its signatures; the local headers'
        // version, time and date fields (offsets 4–5 and 10–13) are not read.
        let directoryStart = bytes.count - 2 * (46 + 9) - 22
        let metaLength = Int(bytes[18]) | Int(bytes[19]) << 8
        let secondHeader = 30 + 9 + metaLength
        let unchecked = Set([4, 5, 10, 11, 12, 13].flatMap { [$0, secondHeader + $0] })
        var missed: [Int] = []
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x5A
            let damagedPath = scratch.write("d.npz", damaged)
            do {
                _ = try CheckpointFile.read(path: damagedPath)
                if index < directoryStart && !unchecked.contains(index) { missed.append(index) }
            } catch {
                #expect(!"\(error)".contains("\n"))
            }
        }
        #expect(missed.isEmpty, "damage at \(missed) went unnoticed")
    }

    @Test("a truncated checkpoint is refused at every length", arguments: [0, 10, 30, 100, 400, 700])
    func checkpointTruncated(keep: Int) throws {
        let scratch = Scratch()
        let (path, _, _) = try sampleCheckpoint(scratch)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let cut = scratch.write("t.npz", Array(bytes.prefix(min(keep, bytes.count - 1))))
        #expect(throws: DiffusionError.self) { _ = try CheckpointFile.read(path: cut) }
    }

    @Test("a checkpoint of a newer format version is refused, saying so")
    func checkpointNewerFormat() throws {
        let scratch = Scratch()
        var info = CheckpointFile.Info(problem: Problem(rows: 3, cols: 3), step: 0, iterations: 1, schedule: "reference")
        info.step = 0
        let json = CheckpointFile.metadataJSON(info, fieldCRC: 0).replacingOccurrences(of: "\"version\": 1", with: "\"version\": 2")
        do {
            _ = try CheckpointFile.parseMetadata(Array(json.utf8))
            Issue.record("accepted format 2")
        } catch {
            #expect(error.message.contains("written by a newer diffuse (checkpoint format 2"))
        }
    }

    @Test("a .npy or any other file is not a checkpoint")
    func notACheckpoint() throws {
        let scratch = Scratch()
        let npy = scratch.file("f.npy")
        try NPYFile.write(Grid<Double>(rows: 3, cols: 3), to: npy)
        #expect(throws: DiffusionError.checkpoint(path: npy, reason: "not a diffuse checkpoint (not a zip/.npz file)")) {
            _ = try CheckpointFile.read(path: npy)
        }
    }

    @Test("a field of 4 GiB or more gets zip64 sizes, and a directory beyond 4 GiB the zip64 end records")
    func zip64Layout() {
        var zip = ZipLayout()
        let meta = zip.localHeader(name: "meta.json", crc: 1, size: 100)
        #expect(meta.count == 30 + 9)
        let size = 5 << 30
        let field = zip.localHeader(name: "field.npy", crc: 2, size: size)
        #expect(Array(field[18 ..< 26]) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])  // sizes in the extra field
        #expect(Array(field[39 ..< 43]) == [1, 0, 16, 0])  // zip64 extra: id 1, 16 bytes
        let sizeBytes = (0 ..< 8).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
        #expect(Array(field[43 ..< 51]) == sizeBytes && Array(field[51 ..< 59]) == sizeBytes)
        let directory = zip.centralDirectory()
        let signatures = stride(from: 0, to: directory.count - 3, by: 1).compactMap { index -> UInt32? in
            let value = UInt32(directory[index]) | UInt32(directory[index + 1]) << 8 | UInt32(directory[index + 2]) << 16 | UInt32(directory[index + 3]) << 24
            return [0x0201_4B50, 0x0606_4B50, 0x0706_4B50, 0x0605_4B50].contains(value) ? value : nil
        }
        #expect(signatures == [0x0201_4B50, 0x0201_4B50, 0x0606_4B50, 0x0706_4B50, 0x0605_4B50])
        #expect(Array(directory.suffix(6).prefix(4)) == [0xFF, 0xFF, 0xFF, 0xFF])  // the directory's offset is in the zip64 record
    }

    @Test("CRC-32 matches the standard check value and zlib's for a long input")
    func crc32() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let long = (0 ..< 1000).map { UInt8($0 % 251) }
        #expect(CRC32.checksum(long) == PNGFile.crc32(long))
    }
}
