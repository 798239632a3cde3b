#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Number formatting in the shapes perf, IPython and line_profiler print.
///
/// All conversions use the C locale's rounding (round half to even on the
/// binary value, as printf does), so the digits match those tools exactly.
public enum PerfFormat {
    /// `value` with `fractionDigits` decimals and its integer digits grouped
    /// in threes: `228108155330` → `"228,108,155,330"`, `63831.814` with 2
    /// decimals → `"63,831.81"`. This is perf's `%'.Nf` in an English locale.
    /// Infinities and NaN are returned as printf writes them.
    public static func grouped(_ value: Double, fractionDigits: Int = 0, separator: String = ",") -> String {
        let plain = cFormat("%.*f", Int32(max(0, fractionDigits)), value)
        guard value.isFinite else { return plain }
        var sign = ""
        var digits = Substring(plain)
        if digits.first == "-" {
            sign = "-"
            digits = digits.dropFirst()
        }
        let integer: Substring
        let fraction: Substring
        if let dot = digits.firstIndex(of: ".") {
            integer = digits[..<dot]
            fraction = digits[dot...]
        } else {
            integer = digits
            fraction = ""
        }
        var grouped = ""
        for (index, character) in integer.enumerated() {
            if index > 0 && (integer.count - index) % 3 == 0 { grouped += separator }
            grouped.append(character)
        }
        return sign + grouped + fraction
    }

    /// An integer with its digits grouped in threes: `4213` → `"4,213"`.
    public static func grouped<I: BinaryInteger>(_ value: I, separator: String = ",") -> String {
        let plain = String(value.magnitude)
        var grouped = ""
        for (index, character) in plain.enumerated() {
            if index > 0 && (plain.count - index) % 3 == 0 { grouped += separator }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// A duration in seconds as IPython's `%timeit` prints it: `precision`
    /// significant digits (`%g`, so trailing zeros are dropped) in the largest
    /// unit of s, ms, µs, ns that keeps the number at least 1:
    /// `0.0019` → `"1.9 ms"`, `0.000672` → `"672 µs"`, `2.6e-6` → `"2.6 µs"`.
    /// From 60 s up it switches to `"1min 3s"`-style parts (d, h, min, s) as
    /// IPython does; zero or negative spans print in ns.
    public static func timeSpan(_ seconds: Double, precision: Int = 3) -> String {
        if seconds >= 60 {
            let parts: [(String, Double)] = [("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)]
            var leftover = seconds
            var pieces: [String] = []
            for (suffix, length) in parts {
                let value = Int(leftover / length)
                if value > 0 {
                    leftover = fmod(leftover, length)
                    pieces.append("\(value)\(suffix)")
                }
                if leftover < 1 { break }
            }
            return pieces.joined(separator: " ")
        }
        let units = ["s", "ms", "\u{00B5}s", "ns"]
        let scaling = [1.0, 1e3, 1e6, 1e9]
        var order = 3
        if seconds > 0 {
            // IPython: min(-int(floor(log10(t)) // 3), 3), with Python's
            // floor division.
            let exponent = Int(floor(log10(seconds)))
            let floorDivided = Int(floor(Double(exponent) / 3))
            order = min(-floorDivided, 3)
        }
        return cFormat("%.*g", Int32(precision), seconds * scaling[order]) + " " + units[order]
    }

    /// `value` with C's `%g` and `significantDigits` significant digits, the
    /// form line_profiler uses for "Timer unit: 1e-06 s" and "Total time".
    public static func general(_ value: Double, significantDigits: Int = 6) -> String {
        cFormat("%.*g", Int32(significantDigits), value)
    }

    /// Bytes in MiB (2^20 bytes) with two decimals and the unit, as
    /// memory_profiler's `%memit` prints: `47_824_896` → `"45.61 MiB"`.
    public static func mebibytes(_ bytes: Int) -> String {
        cFormat("%.2f", Double(bytes) / 1_048_576) + " MiB"
    }
}
