/// Writing a grid as a PNG heatmap in the viridis colour map.
///
/// One pixel per cell, row 0 at the top (as `matplotlib.pyplot.imshow` draws
/// it); the smallest value in the field is dark purple, the largest yellow,
/// linearly in between (a constant field is all purple; NaN is purple, +∞
/// yellow, −∞ purple; the colours of a field spanning the whole double range
/// are computed without overflow). The image is 8-bit
/// RGB, non-interlaced, with its pixel data in stored (uncompressed) deflate
/// blocks: valid for every PNG reader, and needing no compression library.
/// (No PNG encoder is among the packages this project may use, so this one is
/// written by hand; it is small because stored blocks need no Huffman coding.)
public enum PNGFile {
    /// Writes `grid` to `path` atomically.
    public static func write<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>, to path: String) throws(DiffusionError) {
        // The scanlines (3 bytes a cell), the zlib stream and the file are
        // each a copy: about 10 bytes a cell at the peak.
        try MemoryBudget.checkAllocation(bytes: grid.count.multipliedReportingOverflow(by: 10).partialValue)
        let png = encode(grid)
        let writer = try AtomicFileWriter(path: path)
        try writer.write(png)
        try writer.commit()
    }

    /// The PNG file for `grid`.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public static func encode<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>) -> [UInt8] {
        var (low, high) = (Double.infinity, -Double.infinity)
        grid.withUnsafeBufferPointer { cells in
            for value in cells where value.isFinite {
                low = min(low, Double(value))
                high = max(high, Double(value))
            }
        }
        // Halved, so that the span of a field reaching ±1.8e308 does not
        // overflow to infinity (halving is exact for every normal double).
        let (halfLow, halfSpan) = (low / 2, high > low ? high / 2 - low / 2 : 1)
        // Scanlines: a filter byte (0, none) then RGB for each cell.
        var pixels: [UInt8] = []
        pixels.reserveCapacity(grid.rows * (1 + 3 * grid.cols))
        grid.withUnsafeBufferPointer { cells in
            for i in 0 ..< grid.rows {
                pixels.append(0)
                for j in 0 ..< grid.cols {
                    let value = Double(cells[i * grid.cols + j])
                    let fraction = value.isFinite ? (value / 2 - halfLow) / halfSpan : (value > 0 ? 1 : 0)
                    let scaled = (fraction * 255).rounded()
                    let index = scaled.isNaN ? 0 : Int(scaled.clamped(to: 0 ... 255))
                    let colour = Viridis.table[index]
                    pixels.append(colour.red)
                    pixels.append(colour.green)
                    pixels.append(colour.blue)
                }
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(grid.cols))
        header.appendBigEndian(UInt32(grid.rows))
        header += [8, 2, 0, 0, 0]  // 8 bits per sample, RGB, deflate, no filter set, no interlace
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", zlibStored(pixels))
        png.appendChunk("IEND", [])
        return png
    }

    /// A zlib stream (RFC 1950) holding `data` in stored deflate blocks (RFC 1951 §3.2.4).
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window, no dictionary; 0x7801 is a multiple of 31
        stream.reserveCapacity(data.count + data.count / 65535 * 5 + 16)
        var start = 0
        repeat {
            let end = min(start + 65535, data.count)
            let isLast = end == data.count
            let length = UInt16(end - start)
            stream.append(isLast ? 1 : 0)  // BFINAL, BTYPE = 00 (stored)
            stream.append(UInt8(length & 0xFF))
            stream.append(UInt8(length >> 8))
            stream.append(UInt8(~length & 0xFF))
            stream.append(UInt8(~length >> 8))
            stream.append(contentsOf: data[start ..< end])
            start = end
        } while start < data.count
        stream.appendBigEndian(adler32(data))
        return stream
    }

    /// Adler-32 checksum (RFC 1950).
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var index = 0
        while index < data.count {
            // 5552 bytes is the most that can be summed before b overflows UInt32.
            let end = min(index + 5552, data.count)
            for byte in data[index ..< end] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
            index = end
        }
        return b << 16 | a
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
    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(value >> 16 & 0xFF))
        append(UInt8(value >> 8 & 0xFF))
        append(UInt8(value & 0xFF))
    }

    /// Appends a PNG chunk: length, type, data, CRC of type and data.
    fileprivate mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        appendBigEndian(UInt32(data.count))
        let typeBytes = Array(type.utf8)
        append(contentsOf: typeBytes)
        append(contentsOf: data)
        appendBigEndian(PNGFile.crc32(typeBytes + data))
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self {
        min(max(self, range.lowerBound), range.upperBound)
    }
}
