/// An animated PNG (APNG) of a field's snapshots, in the viridis colour map.
///
/// APNG (Mozilla's extension of PNG, played by every current browser) keeps
/// the PNG layout and adds three chunk types: `acTL` (frame count, plays)
/// after IHDR, then for every frame an `fcTL` (its size, offset, delay,
/// disposal) followed by its image — the first frame's in ordinary IDAT
/// chunks, so viewers without APNG show it as a still, the others in `fdAT`
/// chunks, which are IDAT data behind a 4-byte sequence number. fcTL and fdAT
/// share one sequence counter, from 0, without gaps: frame 0's fcTL is 0,
/// frame k ≥ 1 has fcTL 2k − 1 and fdAT 2k.
///
/// Every frame uses one `ColourScale`, fixed before the first frame, so a
/// colour means the same value in every frame and the fading of the field
/// shows (a scale per frame would stretch each frame to full contrast).
/// Frames are compressed as they are added; only the compressed bytes are kept.
public struct AnimatedPNG: Sendable {
    public let rows: Int
    public let cols: Int
    public let scale: ColourScale
    /// Display time of each frame, seconds, as a fraction delayNumerator / delayDenominator.
    public let delayNumerator: UInt16
    public let delayDenominator: UInt16
    /// The zlib stream of each frame's filtered scanlines.
    private var frames: [[UInt8]] = []

    public init(rows: Int, cols: Int, scale: ColourScale, delayNumerator: UInt16 = 1, delayDenominator: UInt16 = 10) {
        precondition(rows >= 1 && cols >= 1 && delayDenominator >= 1, "an animation needs a non-empty frame and a delay denominator ≥ 1")
        self.rows = rows
        self.cols = cols
        self.scale = scale
        self.delayNumerator = delayNumerator
        self.delayDenominator = delayDenominator
    }

    public var frameCount: Int { frames.count }

    /// Adds `grid` as the next frame.
    ///
    /// - Throws: `DiffusionError.shapeMismatch` when `grid` is not rows × cols.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public mutating func append<Scalar: DiffusionScalar>(_ grid: Grid<Scalar>) throws(DiffusionError) {
        guard grid.rows == rows, grid.cols == cols else {
            throw .shapeMismatch(path: "animation frame", fileRows: grid.rows, fileCols: grid.cols, rows: rows, cols: cols)
        }
        frames.append(PNGFile.compressedImage(grid, scale: scale))
    }

    /// The file: signature, IHDR, acTL, the frames, IEND. Without frames it
    /// is not a valid image, so at least one frame must have been added.
    public func encode() -> [UInt8] {
        precondition(!frames.isEmpty, "an animated PNG needs at least one frame")
        var png = PNGFile.signature
        png.appendChunk("IHDR", PNGFile.header(rows: rows, cols: cols))
        var control: [UInt8] = []
        control.appendBigEndian(UInt32(frames.count))
        control.appendBigEndian(0)  // plays: 0 = loop forever
        png.appendChunk("acTL", control)
        var sequence: UInt32 = 0
        for (index, frame) in frames.enumerated() {
            png.appendChunk("fcTL", frameControl(sequence: sequence))
            sequence += 1
            if index == 0 {
                png.appendChunk("IDAT", frame)
            } else {
                var data: [UInt8] = []
                data.reserveCapacity(frame.count + 4)
                data.appendBigEndian(sequence)
                data.append(contentsOf: frame)
                png.appendChunk("fdAT", data)
                sequence += 1
            }
        }
        png.appendChunk("IEND", [])
        return png
    }

    /// Writes the animation to `path` atomically.
    ///
    /// - Throws: `DiffusionError.io` when no frame was added or the file cannot be written.
    public func write(to path: String) throws(DiffusionError) {
        guard !frames.isEmpty else { throw .io(path: path, reason: "no frames to write") }
        let writer = try AtomicFileWriter(path: path)
        try writer.write(encode())
        try writer.commit()
    }

    /// fcTL's data: sequence, the full frame at (0, 0), the delay, dispose
    /// op 0 (none) and blend op 0 (source: the frame replaces the canvas).
    private func frameControl(sequence: UInt32) -> [UInt8] {
        var data: [UInt8] = []
        data.appendBigEndian(sequence)
        data.appendBigEndian(UInt32(cols))
        data.appendBigEndian(UInt32(rows))
        data.appendBigEndian(0)
        data.appendBigEndian(0)
        data.append(UInt8(delayNumerator >> 8))
        data.append(UInt8(delayNumerator & 0xFF))
        data.append(UInt8(delayDenominator >> 8))
        data.append(UInt8(delayDenominator & 0xFF))
        data += [0, 0]
        return data
    }
}
