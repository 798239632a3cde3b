/// Writing a grid as a PNG heatmap in the viridis colour map.
///
/// One pixel per cell, row 0 at the top (as `matplotlib.pyplot.imshow` draws
/// it); the colours follow a `ColourScale`, by default the field's own range
/// (the smallest value dark purple, the largest yellow; a constant field is
/// all purple). The image is 8-bit RGB, non-interlaced.
///
/// Each scanline gets the PNG filter (none, Sub, Up, Average or Paeth) whose
/// output has the smallest sum of absolute values as signed bytes — libpng's
/// heuristic: smooth fields turn into runs of small differences — and the
/// filtered lines are deflated by the system's zlib (`Zlib`). A 640² heat map
/// of the seed's field takes a few kilobytes instead of 1.2 MB.
public enum PNGFile {
    /// Writes `grid` to `path` atomically.
    public static func write<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, to path: String, scale: ColourScale? = nil) throws(DiffusionError) {
        // The scanlines (3 bytes a cell), the filtered candidates, the zlib
        // stream and the file are each a copy: about 10 bytes a cell at the peak.
        try MemoryBudget.checkAllocation(bytes: grid.count.multipliedReportingOverflow(by: 10).partialValue)
        let png = encode(grid, scale: scale)
        let writer = try AtomicFileWriter(path: path)
        try writer.write(png)
        try writer.commit()
    }

    /// The PNG file for `grid`, coloured by `scale` (default: the field's range).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func encode<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, scale: ColourScale? = nil) -> [UInt8] {
        let scale = scale ?? ColourScale(spanning: grid)
        var png = signature
        png.appendChunk("IHDR", header(rows: grid.rows, cols: grid.cols))
        png.appendChunk("IDAT", compressedImage(grid, scale: scale))
        png.appendChunk("IEND", [])
        return png
    }

    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// IHDR's data: width, height, 8 bits per sample, RGB, deflate, adaptive
    /// filtering, no interlace.
    static func header(rows: Int, cols: Int) -> [UInt8] {
        var data: [UInt8] = []
        data.appendBigEndian(UInt32(cols))
        data.appendBigEndian(UInt32(rows))
        data += [8, 2, 0, 0, 0]
        return data
    }

    /// The zlib stream of `grid`'s filtered scanlines: the data of an IDAT or fdAT chunk.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    static func compressedImage<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, scale: ColourScale) -> [UInt8] {
        Zlib.compress(filtered(rgb(grid, scale: scale), rows: grid.rows, cols: grid.cols), level: 6)
    }

    /// The image as rows × cols × 3 bytes of viridis RGB, row 0 first.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func rgb<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, scale: ColourScale) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: grid.rows * grid.cols * 3)
        grid.withUnsafeBufferPointer { cells in
            pixels.withUnsafeMutableBufferPointer { out in
                for cell in 0 ..< cells.count {
                    let colour = Viridis.table[scale.index(of: Double(cells[cell]))]
                    out[3 * cell] = colour.red
                    out[3 * cell + 1] = colour.green
                    out[3 * cell + 2] = colour.blue
                }
            }
        }
        return pixels
    }

    /// PNG's filtered scanlines of an RGB image: each line is a filter-type
    /// byte and the line filtered by it (PNG spec §9.2, 3 bytes per pixel).
    static func filtered(_ rgb: [UInt8], rows: Int, cols: Int) -> [UInt8] {
        let stride = 3 * cols
        var output = [UInt8]()
        output.reserveCapacity(rows * (stride + 1))
        var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: stride), count: 5)
        let zeros = [UInt8](repeating: 0, count: stride)
        rgb.withUnsafeBufferPointer { image in
            for row in 0 ..< rows {
                let line = UnsafeBufferPointer(rebasing: image[row * stride ..< (row + 1) * stride])
                zeros.withUnsafeBufferPointer { zero in
                    let above = row == 0 ? zero : UnsafeBufferPointer(rebasing: image[(row - 1) * stride ..< row * stride])
                    var bestType = 0, bestCost = Int.max
                    for type in 0 ..< 5 {
                        var cost = 0
                        candidates[type].withUnsafeMutableBufferPointer { out in
                            for x in 0 ..< stride {
                                let a = x >= 3 ? line[x - 3] : 0, b = above[x], c = x >= 3 ? above[x - 3] : 0
                                let predictor: UInt8
                                switch type {
                                case 0: predictor = 0
                                case 1: predictor = a
                                case 2: predictor = b
                                case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
                                default: predictor = paeth(a, b, c)
                                }
                                let value = line[x] &- predictor
                                out[x] = value
                                cost += value < 128 ? Int(value) : 256 - Int(value)
                            }
                        }
                        if cost < bestCost { (bestType, bestCost) = (type, cost) }
                    }
                    output.append(UInt8(bestType))
                    output.append(contentsOf: candidates[bestType])
                }
            }
        }
        return output
    }

    /// The Paeth predictor (PNG spec §9.4): of the left, upper and upper-left
    /// bytes, the one closest to left + upper − upper-left, ties in that order.
    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let (pa, pb, pc) = (abs(p - Int(a)), abs(p - Int(b)), abs(p - Int(c)))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// CRC-32 (ISO 3309, as PNG uses it) of `bytes`.
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0 ..< 256).map { n in
        var c = UInt32(n)
        for _ in 0 ..< 8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}

extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(value >> 16 & 0xFF))
        append(UInt8(value >> 8 & 0xFF))
        append(UInt8(value & 0xFF))
    }

    /// Appends a PNG chunk: length, type, data, CRC of type and data.
    mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        appendBigEndian(UInt32(data.count))
        let typeBytes = Array(type.utf8)
        append(contentsOf: typeBytes)
        append(contentsOf: data)
        appendBigEndian(PNGFile.crc32(typeBytes + data))
    }
}
