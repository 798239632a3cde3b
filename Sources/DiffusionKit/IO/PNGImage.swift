/// A decoded PNG image: 8-bit samples, row 0 first, `channels` bytes a pixel.
///
/// Reads what `PNGFile` writes and what browsers' screenshots are: bit depth
/// 8, colour type 0 (grey), 2 (RGB), 4 (grey + alpha) or 6 (RGBA), not
/// interlaced, every filter type. Every chunk's CRC is checked. For an APNG
/// it decodes the default image (the IDAT chunks).
public struct PNGImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA).
    public var channels: Int
    public var pixels: [UInt8]

    /// One chunk of a PNG file.
    public struct Chunk: Sendable, Equatable {
        public var type: String
        public var data: [UInt8]
    }

    /// The chunks of `bytes`, in order, each CRC checked.
    ///
    /// - Throws: `DiffusionError.io` naming `source` for a missing signature,
    ///   a truncated chunk or a CRC mismatch.
    public static func chunks(_ bytes: [UInt8], source: String = "PNG") throws(DiffusionError) -> [Chunk] {
        guard bytes.count >= 8, Array(bytes[0 ..< 8]) == PNGFile.signature else {
            throw .io(path: source, reason: "not a PNG file (no PNG signature)")
        }
        var chunks: [Chunk] = []
        var position = 8
        while position < bytes.count {
            guard position + 12 <= bytes.count else { throw .io(path: source, reason: "truncated chunk at byte \(position)") }
            let length = Int(readUInt32(bytes, position))
            guard length <= bytes.count - position - 12 else { throw .io(path: source, reason: "truncated chunk at byte \(position)") }
            let typeAndData = Array(bytes[position + 4 ..< position + 8 + length])
            let stored = readUInt32(bytes, position + 8 + length)
            let type = String(decoding: typeAndData[0 ..< 4], as: UTF8.self)
            guard PNGFile.crc32(typeAndData) == stored else { throw .io(path: source, reason: "CRC mismatch in chunk \(type)") }
            chunks.append(Chunk(type: type, data: Array(typeAndData[4...])))
            position += 12 + length
        }
        return chunks
    }

    /// Decodes a PNG file.
    public init(decoding bytes: [UInt8], source: String = "PNG") throws(DiffusionError) {
        let chunks = try Self.chunks(bytes, source: source)
        guard let header = chunks.first, header.type == "IHDR", header.data.count == 13 else {
            throw .io(path: source, reason: "the first chunk is not IHDR")
        }
        width = Int(Self.readUInt32(header.data, 0))
        height = Int(Self.readUInt32(header.data, 4))
        let (depth, colourType, interlace) = (header.data[8], header.data[9], header.data[12])
        let channelsByType: [UInt8: Int] = [0: 1, 2: 3, 4: 2, 6: 4]
        guard depth == 8, let channels = channelsByType[colourType], interlace == 0 else {
            throw .io(path: source, reason: "only 8-bit, non-interlaced grey, RGB and RGBA images are read (depth \(depth), colour type \(colourType), interlace \(interlace))")
        }
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 else {
            throw .io(path: source, reason: "image size \(width)×\(height) is out of range")
        }
        self.channels = channels
        let stream = chunks.filter { $0.type == "IDAT" }.flatMap(\.data)
        let stride = width * channels
        let filtered = try Zlib.decompress(stream, size: height * (stride + 1), source: source)
        pixels = try Self.unfilter(filtered, height: height, stride: stride, bytesPerPixel: channels, source: source)
    }

    /// Undoes PNG's per-line filters (PNG spec §9.2).
    public static func unfilter(_ data: [UInt8], height: Int, stride: Int, bytesPerPixel: Int, source: String = "PNG") throws(DiffusionError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: height * stride)
        for row in 0 ..< height {
            let type = data[row * (stride + 1)]
            let input = row * (stride + 1) + 1, base = row * stride
            for x in 0 ..< stride {
                let a = x >= bytesPerPixel ? output[base + x - bytesPerPixel] : 0
                let b = row > 0 ? output[base - stride + x] : 0
                let c = row > 0 && x >= bytesPerPixel ? output[base - stride + x - bytesPerPixel] : 0
                let predictor: UInt8
                switch type {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
                case 4: predictor = PNGFile.paeth(a, b, c)
                default: throw .io(path: source, reason: "unknown filter type \(type) on line \(row)")
                }
                output[base + x] = data[input + x] &+ predictor
            }
        }
        return output
    }

    static func readUInt32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}
