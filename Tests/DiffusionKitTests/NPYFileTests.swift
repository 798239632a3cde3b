import DiffusionKit
import Foundation
import DiffuseTestSupport
import Testing

@Suite("NumPy .npy files")
struct NPYFileTests {
    @Test("the header is the spec's, byte for byte: magic, version 1.0, length, dict, padding to 64, newline")
    func headerBytes() {
        let header = NPYHeader.encode(descriptor: "<f8", shape: [640, 640])
        let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (640, 640), }"
        // 10 bytes of preamble + dict + spaces + "\n" = 128, the next multiple of 64.
        let padding = 128 - 10 - dict.utf8.count - 1
        let expected: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0]
            + Array(dict.utf8) + Array(repeating: 0x20, count: padding) + [0x0A]
        #expect(header == expected)
        #expect(header.count % 64 == 0)
    }

    @Test("float32 and non-square shapes are described as NumPy describes them")
    func headerFloat() {
        let header = NPYHeader.encode(descriptor: "<f4", shape: [333, 517])
        let text = String(decoding: header[10...], as: UTF8.self)
        #expect(text.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (333, 517), }"))
        #expect(text.hasSuffix(" \n"))
        #expect(header.count == 128)
        #expect(Int(header[8]) | Int(header[9]) << 8 == header.count - 10)
    }

    @Test("what Diffuse writes is what numpy.save writes, for a fixture NumPy wrote")
    func matchesNumPyFile() throws {
        let path = Fixture.path("reflecting_17x23_60")
        let numpyBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let grid: Grid<Double> = try NPYFile.read(path: path)
        #expect(NPYFile.encode(grid) == numpyBytes)
        let floatPath = Fixture.path("reflecting_17x23_60_float")
        let floatBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: floatPath)))
        #expect(NPYFile.encode(try NPYFile.read(path: floatPath, as: Float.self)) == floatBytes)
    }

    @Test("round trips in both precisions, square and not", arguments: [(3, 3), (5, 3), (17, 1000), (64, 64)])
    func roundTrip(rows: Int, cols: Int) throws {
        let folder = try TemporaryFolder()
        var grid = Grid<Double>(rows: rows, cols: cols)
        for i in 0 ..< rows { for j in 0 ..< cols { grid[i, j] = Double(i * 1000 + j) / 7 - 3.5 } }
        try NPYFile.write(grid, to: folder.file("d.npy"))
        #expect(try NPYFile.read(path: folder.file("d.npy"), as: Double.self) == grid)
        let single = grid.converted(to: Float.self)
        try NPYFile.write(single, to: folder.file("f.npy"))
        #expect(try NPYFile.read(path: folder.file("f.npy"), as: Float.self) == single)
        // A float32 file read as Double is exact; no temporary file is left behind.
        #expect(try NPYFile.read(path: folder.file("f.npy"), as: Double.self) == single.converted(to: Double.self))
        #expect(folder.contents == ["d.npy", "f.npy"])
    }

    @Test("big-endian data is byte-swapped")
    func bigEndian() throws {
        let folder = try TemporaryFolder()
        let values: [Double] = [1, -2, 3.25, 4e-300, 5, 6, 7, 8, 9]
        var bytes = NPYHeader.encode(descriptor: ">f8", shape: [3, 3])
        for value in values { withUnsafeBytes(of: value.bitPattern.bigEndian) { bytes += $0 } }
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file("be.npy")))
        let grid: Grid<Double> = try NPYFile.read(path: folder.file("be.npy"))
        #expect(grid.values == values)
    }

    @Test("Fortran-order data is transposed into C order")
    func fortranOrder() throws {
        let folder = try TemporaryFolder()
        // The 3×4 array a[i][j] = 10i + j, stored column by column.
        var header = NPYHeader.encode(descriptor: "<f4", shape: [3, 4])
        let dict = String(decoding: header[10...], as: UTF8.self).replacingOccurrences(of: "False", with: "True ")
        header = Array(header[..<10]) + Array(dict.utf8)
        var bytes = header
        for j in 0 ..< 4 { for i in 0 ..< 3 { withUnsafeBytes(of: Float(10 * i + j).bitPattern.littleEndian) { bytes += $0 } } }
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file("f.npy")))
        let grid: Grid<Float> = try NPYFile.read(path: folder.file("f.npy"))
        #expect(grid.rows == 3 && grid.cols == 4)
        for i in 0 ..< 3 { for j in 0 ..< 4 { #expect(grid[i, j] == Float(10 * i + j)) } }
    }

    @Test("format 2.0 headers (4-byte length) are read")
    func version2() throws {
        let folder = try TemporaryFolder()
        let v1 = NPYHeader.encode(descriptor: "<f8", shape: [3, 3])
        let dict = Array(v1[10...])
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0]
        let length = UInt32(dict.count)
        withUnsafeBytes(of: length.littleEndian) { bytes += $0 }
        bytes += dict
        for k in 0 ..< 9 { withUnsafeBytes(of: Double(k).bitPattern.littleEndian) { bytes += $0 } }
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file("v2.npy")))
        let grid: Grid<Double> = try NPYFile.read(path: folder.file("v2.npy"))
        #expect(grid.values == (0 ..< 9).map(Double.init))
    }

    @Test("bad files are refused with a clear reason", arguments: [
        ("missing", "no such file"),
        ("truncated", "truncated"),
        ("one-dimensional", "1-dimensional"),
        ("three-dimensional", "3-dimensional"),
        ("int64", "int64"),
        ("not-npy", "not a .npy file"),
        ("bad-header", "malformed header"),
        ("empty", "not a .npy file"),
        ("zero-rows", "empty"),
    ])
    func badFiles(kind: String, message: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("\(kind).npy")
        func data(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count) }
        var bytes: [UInt8]? = nil
        switch kind {
        case "missing": bytes = nil
        case "truncated": bytes = NPYHeader.encode(descriptor: "<f8", shape: [4, 4]) + data(8 * 15)
        case "one-dimensional": bytes = NPYHeader.encode(descriptor: "<f8", shape: [9]) + data(72)
        case "three-dimensional": bytes = NPYHeader.encode(descriptor: "<f8", shape: [3, 3, 3]) + data(216)
        case "int64": bytes = NPYHeader.encode(descriptor: "<i8", shape: [3, 3]) + data(72)
        case "not-npy": bytes = Array("rows,cols\n1,2\n".utf8)
        case "bad-header": bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, 6, 0] + Array("{'a': ".utf8)
        case "empty": bytes = []
        case "zero-rows": bytes = NPYHeader.encode(descriptor: "<f8", shape: [0, 3])
        default: Issue.record("unknown case")
        }
        if let bytes { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
        #expect {
            _ = try NPYFile.read(path: path, as: Double.self)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(message) && text.contains(path) && !text.contains("\n")
        }
    }
}
