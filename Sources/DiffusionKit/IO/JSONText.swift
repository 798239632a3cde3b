/// The little JSON a checkpoint's `meta.json` needs, without Foundation:
/// quoting strings, and parsing one flat object whose values are strings,
/// numbers, booleans or null (nested objects and arrays are refused).
enum JSONText {
    enum Value: Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
    }

    struct Failure: Error { var message: String }

    /// `text` as a JSON string literal.
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Parses `{"key": value, …}`; a repeated key is refused.
    static func parseFlatObject(_ text: String) throws(Failure) -> [String: Value] {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        return try parser.object()
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0

        mutating func object() throws(Failure) -> [String: Value] {
            skipSpace()
            try expect("{")
            var result: [String: Value] = [:]
            skipSpace()
            if peek() == "}" {
                position += 1
            } else {
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    guard result[key] == nil else { throw Failure(message: "the key \"\(key)\" appears twice") }
                    result[key] = try value()
                    skipSpace()
                    if peek() == "," { position += 1; continue }
                    try expect("}")
                    break
                }
            }
            skipSpace()
            guard position == scalars.count else { throw Failure(message: "text after the object") }
            return result
        }

        mutating func value() throws(Failure) -> Value {
            switch peek() {
            case "\"": return .string(try string())
            case "t": try word("true"); return .bool(true)
            case "f": try word("false"); return .bool(false)
            case "n": try word("null"); return .null
            default:
                var digits = ""
                while let scalar = peek(), "0123456789+-.eE".unicodeScalars.contains(scalar) {
                    digits.unicodeScalars.append(scalar)
                    position += 1
                }
                guard !digits.isEmpty, let number = Double(digits), number.isFinite else {
                    throw Failure(message: "expected a value at character \(position)")
                }
                return .number(number)
            }
        }

        mutating func string() throws(Failure) -> String {
            try expect("\"")
            var result = String.UnicodeScalarView()
            while true {
                guard let scalar = peek() else { throw Failure(message: "unterminated string") }
                position += 1
                if scalar == "\"" { break }
                guard scalar == "\\" else {
                    guard scalar.value >= 0x20 else { throw Failure(message: "a control character in a string") }
                    result.append(scalar)
                    continue
                }
                guard let escaped = peek() else { throw Failure(message: "unterminated string") }
                position += 1
                switch escaped {
                case "\"", "\\", "/": result.append(escaped)
                case "n": result.append("\n")
                case "t": result.append("\t")
                case "r": result.append("\r")
                case "b": result.append("\u{8}")
                case "f": result.append("\u{C}")
                case "u":
                    guard position + 4 <= scalars.count,
                          let code = UInt32(String(String.UnicodeScalarView(scalars[position ..< position + 4])), radix: 16),
                          let decoded = Unicode.Scalar(code)
                    else { throw Failure(message: "a bad \\u escape") }
                    position += 4
                    result.append(decoded)
                default: throw Failure(message: "a bad escape in a string")
                }
            }
            return String(result)
        }

        mutating func word(_ text: String) throws(Failure) {
            for scalar in text.unicodeScalars { try expect(scalar) }
        }

        func peek() -> Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

        mutating func skipSpace() {
            while let scalar = peek(), scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" { position += 1 }
        }

        mutating func expect(_ scalar: Unicode.Scalar) throws(Failure) {
            guard peek() == scalar else { throw Failure(message: "expected '\(scalar)' at character \(position)") }
            position += 1
        }
    }
}
