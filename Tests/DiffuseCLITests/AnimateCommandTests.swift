import DiffusionKit
import Foundation
import DiffuseTestSupport
import Testing

@Suite("diffuse run --animate")
struct AnimateCommandTests {
    @Test("--every K --animate FILE.apng writes one frame per snapshot, step 0 included, on one colour scale")
    func frames() async throws {
        let folder = try TemporaryFolder()
        let result = try await DiffuseProcess.run(["run", "--size", "24x32", "--iterations", "20", "--every", "5",
                                             "--animate", folder.file("field.apng")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("wrote       \(folder.file("field.apng"))"))
        #expect(folder.contents == ["field.apng"])  // no temporary file left
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.file("field.apng"))))
        let chunks = try PNGImage.chunks(bytes)  // every CRC checked
        var expected = ["IHDR", "acTL", "fcTL", "IDAT"]
        for _ in 0 ..< 4 { expected += ["fcTL", "fdAT"] }
        expected.append("IEND")
        #expect(chunks.map(\.type) == expected)
        #expect(Array(chunks[1].data[0 ..< 4]) == [0, 0, 0, 5])  // steps 0, 5, 10, 15, 20
        // Frame 0 is the initial block: its largest value is the top of the
        // scale (yellow), the rest the bottom (purple).
        let first = try PNGImage(decoding: bytes)
        #expect(first.width == 32 && first.height == 24)
        #expect(Set(stride(from: 0, to: first.pixels.count, by: 3).map { first.pixels[$0] }) == [68, 253])
        // The last frame, on the same scale, has faded: no pixel is yellow any more.
        let last = chunks.last { $0.type == "fdAT" }!
        let pixels = try PNGImage.unfilter(try Zlib.decompress(Array(last.data[4...]), size: 24 * (1 + 96)), height: 24, stride: 96, bytesPerPixel: 3)
        #expect(!stride(from: 0, to: pixels.count, by: 3).contains { pixels[$0] == 253 })
    }

    /// Bad uses of --animate: one line on standard error, nothing written, nothing stepped.
    static let badInputs: [(arguments: [String], message: String)] = [
        (["--animate", "a.apng"], "--animate needs --every"),
        (["--every", "5", "--animate", "a.gif"], "expected a file name ending in .apng"),
        (["--every", "5", "--animate", "missing-folder/a.apng"], "does not exist"),
        (["--every", "0", "--animate", "a.apng"], "at least 1"),
    ]

    @Test("bad input: one-line error, non-zero exit, no file", arguments: badInputs.indices)
    func badInput(index: Int) async throws {
        let (arguments, message) = Self.badInputs[index]
        let folder = try TemporaryFolder()
        let result = try await DiffuseProcess.run(["run", "--size", "16", "--iterations", "10"] + arguments, in: folder.path)
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("diffuse: error: ") && result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardError.filter { $0 == "\n" }.count == 1)
        #expect(folder.contents.isEmpty, "left \(folder.contents)")
    }
}
