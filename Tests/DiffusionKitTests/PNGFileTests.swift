import DiffusionKit
import Foundation
import Testing

/// A CRC-32 written here, bit by bit, independent of the writer's table.
private func referenceCRC(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

private func bigEndian(_ bytes: [UInt8], _ at: Int) -> UInt32 {
    UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
}

/// Walks a PNG file byte by byte: (type, data) of each chunk, with each stored CRC checked against `referenceCRC`.
private func walkChunks(_ file: [UInt8]) -> [(type: String, data: [UInt8])] {
    #expect(Array(file[0 ..< 8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    var chunks: [(String, [UInt8])] = []
    var position = 8
    while position + 12 <= file.count {
        let length = Int(bigEndian(file, position))
        let typeAndData = Array(file[position + 4 ..< position + 8 + length])
        #expect(bigEndian(file, position + 8 + length) == referenceCRC(typeAndData), "CRC of chunk at byte \(position)")
        chunks.append((String(decoding: typeAndData[0 ..< 4], as: UTF8.self), Array(typeAndData[4...])))
        position += 12 + length
    }
    #expect(position == file.count, "the last chunk ends at the end of the file")
    return chunks
}

/// A small field with structure in every direction (so every PNG filter type has work).
private func sampleGrid(rows: Int = 23, cols: Int = 37, phase: Double = 0) -> Grid<Double> {
    Grid(rows: rows, cols: cols, values: (0 ..< rows * cols).map { index in
        let (i, j) = (Double(index / cols), Double(index % cols))
        return sin(i * 0.3 + phase) * cos(j * 0.17) + 0.01 * i
    })
}

@Suite("PNG and APNG files")
struct PNGFileTests {
    @Test("a heat map is a valid PNG: signature, IHDR, one IDAT, IEND, every CRC right")
    func structure() throws {
        let grid = sampleGrid()
        let chunks = walkChunks(PNGFile.encode(grid))
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        let header = chunks[0].data
        #expect(bigEndian(header, 0) == 37 && bigEndian(header, 4) == 23)
        #expect(Array(header[8...]) == [8, 2, 0, 0, 0])  // 8-bit RGB, deflate, adaptive filters, no interlace
        #expect(chunks[1].data[0] == 0x78 && (UInt16(chunks[1].data[0]) << 8 | UInt16(chunks[1].data[1])) % 31 == 0)  // zlib header
    }

    @Test("the inflated, unfiltered scanlines are the viridis colours of the cells")
    func pixels() throws {
        let grid = sampleGrid()
        let bytes = PNGFile.encode(grid)
        let chunks = walkChunks(bytes)
        // Inflate with zlib and check the filter bytes, then compare the image.
        let raw = try Zlib.decompress(chunks[1].data, size: 23 * (1 + 37 * 3))
        #expect((0 ..< 23).allSatisfy { raw[$0 * (1 + 37 * 3)] <= 4 })
        let image = try PNGImage(decoding: bytes)
        #expect(image.width == 37 && image.height == 23 && image.channels == 3)
        let scale = ColourScale(spanning: grid)
        #expect(scale.low == grid.withUnsafeBufferPointer { $0.min()! } && scale.high == grid.withUnsafeBufferPointer { $0.max()! })
        var expected: [UInt8] = []
        grid.withUnsafeBufferPointer { cells in
            for value in cells {
                let colour = scale.colour(of: value)
                expected += [colour.red, colour.green, colour.blue]
            }
        }
        #expect(image.pixels == expected)
        // The ends of the scale are viridis's ends.
        #expect(scale.colour(of: scale.low) == (68, 1, 84) && scale.colour(of: scale.high) == (253, 231, 37))
    }

    @Test("compression: the seed's 640² block field takes under 20 kB, not 1.2 MB")
    func compressed() throws {
        let grid = try Problem.seed.makeInitialGrid(Double.self)
        let bytes = PNGFile.encode(grid)
        #expect(bytes.count < 20_000, "\(bytes.count) bytes")
        #expect(try PNGImage(decoding: bytes).pixels == PNGFile.rgb(grid, scale: ColourScale(spanning: grid)))
    }

    @Test("a constant field is all purple; NaN and infinities take the ends")
    func edgeCases() throws {
        let constant = Grid<Double>(rows: 3, cols: 4, repeating: 2.5)
        let image = try PNGImage(decoding: PNGFile.encode(constant))
        #expect(image.pixels == [UInt8]((0 ..< 12).flatMap { _ in [68, 1, 84] as [UInt8] }))
        let scale = ColourScale(low: 0, high: 1)
        #expect(scale.colour(of: .infinity) == (253, 231, 37) && scale.colour(of: -.infinity) == (68, 1, 84))
        #expect(scale.colour(of: .nan) == (68, 1, 84) && scale.colour(of: 7) == (253, 231, 37))
    }

    @Test("corrupt input is an error, not a crash")
    func corrupt() throws {
        var bytes = PNGFile.encode(sampleGrid())
        bytes[40] ^= 0xFF
        #expect(throws: DiffusionError.self) { try PNGImage(decoding: bytes) }
        #expect(throws: DiffusionError.self) { try PNGImage(decoding: Array(bytes.prefix(30))) }
        #expect(throws: DiffusionError.self) { try Zlib.decompress([0x78, 0x01, 0xFF, 0x00], size: 10) }
        #expect(throws: DiffusionError.self) { try Zlib.decompress(Zlib.compress([1, 2, 3]), size: 2) }
        #expect(try Zlib.decompress(Zlib.compress([1, 2, 3, 2, 1], level: 9), size: 5) == [1, 2, 3, 2, 1])
    }

    @Test("an APNG: acTL with the frame count, fcTL/IDAT then fcTL/fdAT per frame, sequence numbers 0, 1, 2, … without gaps")
    func animatedStructure() throws {
        let frames = (0 ..< 4).map { sampleGrid(rows: 9, cols: 14, phase: Double($0)) }
        let scale = ColourScale(low: -1.5, high: 1.5)
        var animation = AnimatedPNG(rows: 9, cols: 14, scale: scale, delayNumerator: 3, delayDenominator: 20)
        for frame in frames { try animation.append(frame) }
        #expect(animation.frameCount == 4)
        let chunks = walkChunks(animation.encode())
        #expect(chunks.map(\.type) == ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "fcTL", "fdAT", "IEND"])
        #expect(chunks[1].data == [0, 0, 0, 4, 0, 0, 0, 0])  // 4 frames, loop forever
        var sequence: [UInt32] = []
        for chunk in chunks where chunk.type == "fcTL" || chunk.type == "fdAT" {
            sequence.append(bigEndian(chunk.data, 0))
            if chunk.type == "fcTL" {
                #expect(chunk.data.count == 26)
                #expect(bigEndian(chunk.data, 4) == 14 && bigEndian(chunk.data, 8) == 9)  // width, height
                #expect(bigEndian(chunk.data, 12) == 0 && bigEndian(chunk.data, 16) == 0)  // offsets
                #expect(Array(chunk.data[20 ..< 26]) == [0, 3, 0, 20, 0, 0])  // delay 3/20 s, dispose none, blend source
            }
        }
        #expect(sequence == Array(0 ..< 7))
        // Every frame inflates to its own field's colours on the one shared scale.
        let images = chunks.filter { $0.type == "IDAT" }.map(\.data) + chunks.filter { $0.type == "fdAT" }.map { Array($0.data[4...]) }
        for (stream, frame) in zip(images, frames) {
            let filtered = try Zlib.decompress(stream, size: 9 * (1 + 14 * 3))
            let pixels = try PNGImage.unfilter(filtered, height: 9, stride: 42, bytesPerPixel: 3)
            #expect(pixels == PNGFile.rgb(frame, scale: scale))
        }
    }

    @Test("an APNG refuses a frame of another shape and writes nothing without frames")
    func animatedErrors() throws {
        var animation = AnimatedPNG(rows: 4, cols: 4, scale: ColourScale(low: 0, high: 1))
        #expect(throws: DiffusionError.self) { try animation.append(Grid<Double>(rows: 4, cols: 5)) }
        #expect(throws: DiffusionError.self) { try animation.write(to: "/nonexistent-folder/a.apng") }
    }

    @Test("the run's colour scale holds every later field (maximum principle), a fixed boundary's value included",
          arguments: ["periodic", "reflecting", "fixed=0.02"])
    func runScale(boundary: String) throws {
        let problem = Problem(rows: 24, cols: 24, boundary: try Boundary(parsing: boundary), initial: .block)
        var grid = try problem.makeInitialGrid(Double.self)
        let scale = ColourScale(forRunFrom: grid, boundary: problem.boundary)
        #expect(scale.low == 0)
        #expect(scale.high == (boundary == "fixed=0.02" ? 0.02 : 0.005))
        for _ in 0 ..< 10 {
            try ReferenceSchedule().run(&grid, steps: 7, problem: problem)
            #expect(grid.withUnsafeBufferPointer { cells in cells.allSatisfy { scale.low <= $0 && $0 <= scale.high } })
        }
    }
}
