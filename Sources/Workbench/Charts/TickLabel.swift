/// Tick labels without needless zeros: "1.00 ms" → "1 ms", "2.50 G" → "2.5 G".
///
/// The report's number formatters keep three significant digits, right for
/// measurements; on an axis, whose ticks are round numbers, the zeros only
/// add clutter.
public func tickLabel(_ text: String) -> String {
    var result = ""
    var number = ""
    func flush() {
        if number.contains(".") {
            while number.hasSuffix("0") { number.removeLast() }
            if number.hasSuffix(".") { number.removeLast() }
        }
        result += number
        number = ""
    }
    for character in text {
        if character.isNumber || (character == "." && !number.isEmpty) {
            number.append(character)
        } else {
            flush()
            result.append(character)
        }
    }
    flush()
    return result
}
