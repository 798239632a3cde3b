/// The headers of a zip archive (PKWARE APPNOTE 6.3) written member by
/// member, stored without compression: local headers as the members are
/// written, then the central directory and its end records.
///
/// A member of 4 GiB or more, or a directory starting beyond 4 GiB, gets
/// zip64 fields (APPNOTE §4.5.3, §4.3.14–15): the 32-bit fields then hold
/// 0xFFFFFFFF and the real values go in the zip64 extra field and records.
/// Python's `zipfile` (and so `numpy.load`) reads both forms.
struct ZipLayout {
    private var offset = 0
    private var central: [UInt8] = []
    private var count = 0
    private static let limit32 = 0xFFFF_FFFF

    /// The local header of the next member (stored, no compression), which
    /// the caller follows with exactly `size` bytes of data.
    mutating func localHeader(name: String, crc: UInt32, size: Int) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        let large = size >= Self.limit32
        let farOffset = offset >= Self.limit32
        var local: [UInt8] = []
        local.appendLittle(0x0403_4B50, bytes: 4)
        local.appendLittle(large ? 45 : 20, bytes: 2)  // version needed: 4.5 for zip64
        local.appendLittle(0, bytes: 2)  // flags
        local.appendLittle(0, bytes: 2)  // method: stored
        local.appendLittle(0, bytes: 2)  // time 00:00
        local.appendLittle(0x21, bytes: 2)  // date 1980-01-01
        local.appendLittle(Int(crc), bytes: 4)
        local.appendLittle(large ? Self.limit32 : size, bytes: 4)
        local.appendLittle(large ? Self.limit32 : size, bytes: 4)
        local.appendLittle(nameBytes.count, bytes: 2)
        local.appendLittle(large ? 20 : 0, bytes: 2)
        local += nameBytes
        if large {
            local.appendLittle(1, bytes: 2)
            local.appendLittle(16, bytes: 2)
            local.appendLittle(size, bytes: 8)
            local.appendLittle(size, bytes: 8)
        }

        var extra: [UInt8] = []
        if large { extra.appendLittle(size, bytes: 8); extra.appendLittle(size, bytes: 8) }
        if farOffset { extra.appendLittle(offset, bytes: 8) }
        central.appendLittle(0x0201_4B50, bytes: 4)
        central.appendLittle(0x0300 | 45, bytes: 2)  // made by: Unix, 4.5
        central.appendLittle(large || farOffset ? 45 : 20, bytes: 2)
        central.appendLittle(0, bytes: 2)
        central.appendLittle(0, bytes: 2)
        central.appendLittle(0, bytes: 2)
        central.appendLittle(0x21, bytes: 2)
        central.appendLittle(Int(crc), bytes: 4)
        central.appendLittle(large ? Self.limit32 : size, bytes: 4)
        central.appendLittle(large ? Self.limit32 : size, bytes: 4)
        central.appendLittle(nameBytes.count, bytes: 2)
        central.appendLittle(extra.isEmpty ? 0 : extra.count + 4, bytes: 2)
        central.appendLittle(0, bytes: 2)  // comment
        central.appendLittle(0, bytes: 2)  // disk
        central.appendLittle(0, bytes: 2)  // internal attributes
        central.appendLittle(0o100644 << 16, bytes: 4)  // external: a regular file, rw-r--r--
        central.appendLittle(farOffset ? Self.limit32 : offset, bytes: 4)
        central += nameBytes
        if !extra.isEmpty {
            central.appendLittle(1, bytes: 2)
            central.appendLittle(extra.count, bytes: 2)
            central += extra
        }
        offset += local.count + size
        count += 1
        return local
    }

    /// The central directory and its end records (zip64 ones when needed).
    func centralDirectory() -> [UInt8] {
        var bytes = central
        let directoryOffset = offset
        let zip64 = directoryOffset >= Self.limit32
        if zip64 {
            let recordOffset = directoryOffset + central.count
            bytes.appendLittle(0x0606_4B50, bytes: 4)
            bytes.appendLittle(44, bytes: 8)
            bytes.appendLittle(0x0300 | 45, bytes: 2)
            bytes.appendLittle(45, bytes: 2)
            bytes.appendLittle(0, bytes: 4)
            bytes.appendLittle(0, bytes: 4)
            bytes.appendLittle(count, bytes: 8)
            bytes.appendLittle(count, bytes: 8)
            bytes.appendLittle(central.count, bytes: 8)
            bytes.appendLittle(directoryOffset, bytes: 8)
            bytes.appendLittle(0x0706_4B50, bytes: 4)
            bytes.appendLittle(0, bytes: 4)
            bytes.appendLittle(recordOffset, bytes: 8)
            bytes.appendLittle(1, bytes: 4)
        }
        bytes.appendLittle(0x0605_4B50, bytes: 4)
        bytes.appendLittle(0, bytes: 2)
        bytes.appendLittle(0, bytes: 2)
        bytes.appendLittle(count, bytes: 2)
        bytes.appendLittle(count, bytes: 2)
        bytes.appendLittle(central.count, bytes: 4)
        bytes.appendLittle(zip64 ? Self.limit32 : directoryOffset, bytes: 4)
        bytes.appendLittle(0, bytes: 2)
        return bytes
    }
}

extension [UInt8] {
    fileprivate mutating func appendLittle(_ value: Int, bytes: Int) {
        for k in 0 ..< bytes { append(UInt8(truncatingIfNeeded: value >> (8 * k))) }
    }
}
