/// A simulated time T turned into a number of steps of dt: `diffuse run --time T`.
///
/// The steps are T/dt, which must be a whole number within rounding: T is
/// accepted when |T/dt − round(T/dt)| ≤ 1e-9 · max(1, T/dt), so that
/// `--time 1.1 --dt 0.1` (T/dt = 11.000000000000002 in binary) is 11 steps,
/// and `--time 1.05` is refused, naming the two nearest times that are whole
/// numbers of steps (1 and 1.1).
public enum SimulatedTime {
    /// The relative tolerance on T/dt being whole.
    public static let relativeTolerance = 1e-9

    /// The number of steps of `dt` that make `time`.
    public static func steps(time: Double, dt: Double) throws(SimulatedTimeError) -> Int {
        guard time.isFinite, time >= 0 else { throw .invalid(time: time) }
        guard dt.isFinite, dt > 0 else { throw .invalid(time: time) }
        let quotient = time / dt
        guard quotient < Double(Int.max / 2) else { throw .tooManySteps(time: time, dt: dt) }
        let nearest = quotient.rounded()
        guard abs(quotient - nearest) <= relativeTolerance * max(1, quotient) else {
            let below = quotient.rounded(.down), above = quotient.rounded(.up)
            throw .notWholeSteps(time: time, dt: dt, below: (Int(below), below * dt), above: (Int(above), above * dt))
        }
        return Int(nearest)
    }
}

/// Why a simulated time cannot be run, in one line.
public enum SimulatedTimeError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(time: Double)
    case tooManySteps(time: Double, dt: Double)
    /// T/dt is not whole; `below` and `above` are the nearest whole step
    /// counts and their times.
    case notWholeSteps(time: Double, dt: Double, below: (steps: Int, time: Double), above: (steps: Int, time: Double))

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }

    public var description: String {
        switch self {
        case .invalid(let time):
            "--time must be a finite number ≥ 0 of time units, got \(plain(time))"
        case .tooManySteps(let time, let dt):
            "--time \(plain(time)) is more steps of dt = \(plain(dt)) than can be counted: choose a shorter time or a larger dt"
        case .notWholeSteps(let time, let dt, let below, let above):
            "--time \(plain(time)) is not a whole number of steps of dt = \(plain(dt)): the nearest valid times are "
                + "\(Self.time(below.time)) (\(below.steps) steps) and \(Self.time(above.time)) (\(above.steps) steps)"
        }
    }

    /// A time k·dt as people write it: rounded to 12 significant digits, so
    /// that 11 × 0.1 reads 1.1 and not 1.1000000000000001.
    static func time(_ value: Double) -> String {
        guard value != 0, value.isFinite else { return plain(value) }
        var exponent = 0
        var scaled = abs(value)
        while scaled >= 10 { scaled /= 10; exponent += 1 }
        while scaled < 1 { scaled *= 10; exponent -= 1 }
        let shift = 11 - exponent
        var factor = 1.0
        for _ in 0 ..< abs(shift) { factor *= 10 }
        let rounded = shift >= 0 ? (value * factor).rounded() / factor : (value / factor).rounded() * factor
        return plain(rounded)
    }
}
