/// A floating-point type a grid can hold: `Double` (the default) or `Float`.
///
/// The requirements are what the solver and the file formats need beyond
/// `BinaryFloatingPoint`: SIMD lanes for the vectorised schedules, the raw bit
/// pattern for byte-exact `.npy` files, and the NumPy name of the type.
public protocol DiffusionScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// The unsigned integer with the same bits (`UInt64` for `Double`).
    associatedtype BitPattern: FixedWidthInteger & UnsignedInteger

    /// The value whose IEEE 754 encoding is `bitPattern`.
    init(bitPattern: BitPattern)

    /// The IEEE 754 encoding of the value.
    var bitPattern: BitPattern { get }

    /// The precision this type stands for.
    static var precision: Precision { get }
}

extension Double: DiffusionScalar {
    public static var precision: Precision { .double }
}

extension Float: DiffusionScalar {
    public static var precision: Precision { .float }
}
