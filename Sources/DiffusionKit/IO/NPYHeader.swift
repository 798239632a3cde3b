/// The header of a NumPy `.npy` file (NEP 1, format versions 1.0, 2.0 and 3.0),
/// for the two-dimensional float arrays Diffuse reads and writes.
///
/// A file is: the magic string `\x93NUMPY`, the major and minor version bytes,
/// the header length (little-endian `UInt16` in 1.0, `UInt32` in 2.0 and 3.0),
/// then the header, an ASCII (3.0: UTF-8) Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (640, 640), }`, padded
/// with spaces and ended by `\n` so that the data starts at a multiple of 64
/// bytes; then the raw values.
public struct NPYHeader: Sendable, Equatable {
    /// The dtype string, e.g. `<f8`.
    public var descriptor: String
    /// True when the data is column-major.
    public var fortranOrder: Bool
    /// The array's shape.
    public var shape: [Int]
    /// Offset of the first data byte in the file.
    public var dataOffset: Int

    /// The magic string every `.npy` file starts with.
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Rows, for a two-dimensional array.
    public var rows: Int { shape[0] }
    /// Columns, for a two-dimensional array.
    public var cols: Int { shape[1] }

    /// The scalar type of the data.
    public enum ScalarType: Sendable { case float64, float32 }

    /// The type and byte order the descriptor names, or an explanation of why
    /// Diffuse cannot use it.
    func scalarType(path: String) throws(DiffusionError) -> (type: ScalarType, bigEndian: Bool) {
        let order = descriptor.first
        let kind = descriptor.dropFirst()
        let bigEndian: Bool
        switch order {
        case "<", "=", "|": bigEndian = false
        case ">": bigEndian = true
        default: throw .npy(path: path, reason: "unreadable dtype '\(descriptor)'")
        }
        switch kind {
        case "f8": return (.float64, bigEndian)
        case "f4": return (.float32, bigEndian)
        default:
            throw .npy(path: path, reason: "holds \(Self.typeName(descriptor)) values ('\(descriptor)'): expected float64 ('<f8') or float32 ('<f4'); convert with numpy, e.g. a.astype('float64')")
        }
    }

    private static func typeName(_ descriptor: String) -> String {
        let kind = descriptor.dropFirst()
        // The width is the file's text: bound it before multiplying (the fuzzer
        // found '<f00000000004366274717449278800', whose width × 8 overflowed).
        guard let letter = kind.first, let width = Int(kind.dropFirst()), (1 ... 1024).contains(width) else { return "structured or unknown" }
        switch letter {
        case "f": return "float\(width * 8)"
        case "i": return "int\(width * 8)"
        case "u": return "uint\(width * 8)"
        case "c": return "complex\(width * 8)"
        case "b": return "bool"
        case "U", "S": return "string"
        default: return "'\(letter)'"
        }
    }

    /// The header bytes NumPy writes (format 1.0) for a C-order array: magic,
    /// version, length, dict, space padding and `\n`, a multiple of 64 bytes in all.
    public static func encode(descriptor: String, shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = Array("{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        let prefix = magic.count + 2 + 2
        let unpadded = prefix + dict.count + 1
        let padded = (unpadded + 63) / 64 * 64
        dict.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padded - unpadded))
        dict.append(UInt8(ascii: "\n"))
        let length = UInt16(dict.count)
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + dict
    }

    /// The longest header accepted (NumPy itself refuses more than 10,000
    /// bytes by default; a two-dimensional array needs under 128).
    static let maximumLength = 1 << 16

    /// Reads and parses the header at the start of `file`.
    static func read(from file: borrowing InputFile) throws(DiffusionError) -> NPYHeader {
        let path = file.path
        let preamble = try file.read(count: 8)
        guard preamble.count == 8, Array(preamble[0 ..< 6]) == magic else {
            throw .npy(path: path, reason: "not a .npy file (it does not start with \\x93NUMPY)")
        }
        let major = preamble[6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default: throw .npy(path: path, reason: "unsupported .npy format version \(major).\(preamble[7]): expected 1.0, 2.0 or 3.0")
        }
        let lengthField = try file.read(count: lengthBytes)
        guard lengthField.count == lengthBytes else { throw .npy(path: path, reason: "truncated: the header is incomplete") }
        let length = lengthField.reversed().reduce(0) { $0 << 8 | Int($1) }
        // Refuse a length the file cannot hold, or an absurd one from a pipe,
        // before allocating for it (a 13-byte file may announce 4 GiB).
        if let size = file.size, length > size - 8 - lengthBytes {
            throw .npy(path: path, reason: "truncated: the header announces \(length) bytes but the file has only \(max(0, size - 8 - lengthBytes)) after the preamble")
        }
        guard length <= maximumLength else {
            throw .npy(path: path, reason: "the header is \(length) bytes long: more than the \(maximumLength) a 2-dimensional float array needs")
        }
        let headerBytes = try file.read(count: length)
        guard headerBytes.count == length else { throw .npy(path: path, reason: "truncated: the header is incomplete") }
        guard let text = String(validating: headerBytes, as: UTF8.self) else {
            throw .npy(path: path, reason: "the header is not text")
        }
        var header = try parse(text, path: path)
        header.dataOffset = 8 + lengthBytes + length
        return header
    }

    /// Parses the dict literal of a header.
    static func parse(_ text: String, path: String) throws(DiffusionError) -> NPYHeader {
        var parser = PythonLiteralParser(text: text)
        let dict: [String: PythonLiteral]
        do { dict = try parser.parseDict() } catch { throw .npy(path: path, reason: "malformed header: \(error.message)") }
        guard case .string(let descriptor)? = dict["descr"] else {
            throw .npy(path: path, reason: "malformed header: no 'descr' string")
        }
        guard case .bool(let fortran)? = dict["fortran_order"] else {
            throw .npy(path: path, reason: "malformed header: no 'fortran_order' flag")
        }
        guard case .tuple(let shape)? = dict["shape"] else {
            throw .npy(path: path, reason: "malformed header: no 'shape' tuple")
        }
        return NPYHeader(descriptor: descriptor, fortranOrder: fortran, shape: shape, dataOffset: 0)
    }
}

/// The values a `.npy` header dict holds.
enum PythonLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case tuple([Int])
}

/// A parser for the subset of Python literals `.npy` headers use: a dict of
/// quoted string keys to strings, True/False and tuples of integers (with
/// Python 2's `L` suffix allowed), trailing commas and spaces anywhere.
struct PythonLiteralParser {
    struct Failure: Error { let message: String }

    private let characters: [Character]
    private var position = 0

    init(text: String) { characters = Array(text) }

    mutating func parseDict() throws(Failure) -> [String: PythonLiteral] {
        try expect("{")
        var result: [String: PythonLiteral] = [:]
        while true {
            skipSpace()
            if peek() == "}" { position += 1; break }
            let key = try parseString()
            try expect(":")
            result[key] = try parseValue()
            skipSpace()
            if peek() == "," { position += 1; continue }
            try expect("}")
            break
        }
        skipSpace()
        guard position == characters.count else { throw Failure(message: "unexpected text after the dict") }
        return result
    }

    private mutating func parseValue() throws(Failure) -> PythonLiteral {
        skipSpace()
        switch peek() {
        case "'", "\"": return .string(try parseString())
        case "(": return .tuple(try parseTuple())
        case "T", "F":
            if consume("True") { return .bool(true) }
            if consume("False") { return .bool(false) }
        default: break
        }
        throw Failure(message: "unexpected value at character \(position)")
    }

    private mutating func parseString() throws(Failure) -> String {
        skipSpace()
        guard let quote = peek(), quote == "'" || quote == "\"" else {
            throw Failure(message: "expected a quoted string at character \(position)")
        }
        position += 1
        var value = ""
        while let character = peek(), character != quote {
            value.append(character)
            position += 1
        }
        try expect(quote)
        return value
    }

    private mutating func parseTuple() throws(Failure) -> [Int] {
        try expect("(")
        var values: [Int] = []
        while true {
            skipSpace()
            if peek() == ")" { position += 1; return values }
            var digits = ""
            while let character = peek(), character.isNumber || (digits.isEmpty && character == "-") {
                digits.append(character)
                position += 1
            }
            if peek() == "L" { position += 1 }
            guard let value = Int(digits) else { throw Failure(message: "expected an integer in the shape at character \(position)") }
            values.append(value)
            skipSpace()
            if peek() == "," { position += 1; continue }
            try expect(")")
            return values
        }
    }

    private func peek() -> Character? { position < characters.count ? characters[position] : nil }

    private mutating func skipSpace() {
        while let character = peek(), character == " " || character == "\n" || character == "\t" { position += 1 }
    }

    private mutating func expect(_ character: Character) throws(Failure) {
        skipSpace()
        guard peek() == character else { throw Failure(message: "expected '\(character)' at character \(position)") }
        position += 1
    }

    private mutating func consume(_ word: String) -> Bool {
        let word = Array(word)
        guard position + word.count <= characters.count,
              Array(characters[position ..< position + word.count]) == word else { return false }
        position += word.count
        return true
    }
}
