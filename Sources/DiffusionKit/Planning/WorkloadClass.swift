/// The workloads that share a plan: grids of about the same shape, in one
/// precision, under one kind of boundary.
///
/// What decides the fastest schedule is where the two grids live (L2, the
/// last-level cache, DRAM), how the rows split between threads and how wide
/// a row is next to a cache's budget; these change with the grid's size by
/// factors, not by cells. So rows and columns are bucketed by half octaves:
/// bucket b holds the sides n with round(2·log2 n) = b, i.e. within a factor
/// 2^(1/4) ≈ 1.19 of 2^(b/2) (640 and 700 share bucket 19; 512 is in 18).
/// The boundary's kind counts (periodic, reflecting or fixed: they differ in
/// their edge work and in `temporal`'s halos), not a fixed boundary's value.
/// Steps do not count: a plan's depth is capped by the steps of the run.
public struct WorkloadClass: Sendable, Hashable, Codable, CustomStringConvertible {
    /// round(2·log2(rows)).
    public var rowsBucket: Int
    /// round(2·log2(cols)).
    public var colsBucket: Int
    public var precision: Precision
    /// "periodic", "reflecting" or "fixed".
    public var boundary: String

    enum CodingKeys: String, CodingKey {
        case rowsBucket = "rows_bucket", colsBucket = "cols_bucket", precision, boundary
    }

    public init(rowsBucket: Int, colsBucket: Int, precision: Precision, boundary: String) {
        self.rowsBucket = rowsBucket
        self.colsBucket = colsBucket
        self.precision = precision
        self.boundary = boundary
    }

    /// The class of `problem`.
    public init(_ problem: Problem) {
        self.init(rowsBucket: Self.bucket(problem.rows), colsBucket: Self.bucket(problem.cols),
                  precision: problem.precision, boundary: Self.kind(of: problem.boundary))
    }

    /// round(2·log2 n) for n ≥ 1.
    public static func bucket(_ side: Int) -> Int {
        Int((2 * log2(Double(max(1, side)))).rounded())
    }

    /// The boundary's kind, without a fixed boundary's value.
    public static func kind(of boundary: Boundary) -> String {
        switch boundary {
        case .periodic: "periodic"
        case .reflecting: "reflecting"
        case .fixed: "fixed"
        }
    }

    /// The middle of a bucket, rounded: 2^(b/2).
    public static func typicalSide(ofBucket bucket: Int) -> Int {
        Int(pow2(Double(bucket) / 2).rounded())
    }

    /// "≈640×640 double periodic".
    public var description: String {
        "≈\(Self.typicalSide(ofBucket: rowsBucket))×\(Self.typicalSide(ofBucket: colsBucket)) \(precision) \(boundary)"
    }
}

/// 2^x without Foundation.
private func pow2(_ x: Double) -> Double {
    var result = 1.0
    var whole = Int(x.rounded(.down))
    let fraction = x - Double(whole)
    var base = 2.0
    while whole > 0 {
        if whole & 1 == 1 { result *= base }
        base *= base
        whole >>= 1
    }
    // 2^f for 0 ≤ f < 1: e^(f·ln 2) by its series, ample for rounding a side.
    let y = fraction * 0.6931471805599453
    var term = 1.0, sum = 1.0
    for n in 1 ... 20 {
        term *= y / Double(n)
        sum += term
    }
    return result * sum
}

/// log2 without Foundation, for n ≥ 1: the exponent plus the series of the
/// mantissa's logarithm.
private func log2(_ x: Double) -> Double {
    let exponent = Double(x.exponent)
    let mantissa = x.significand // 1 ≤ m < 2
    // ln m = 2·atanh((m − 1)/(m + 1)).
    let z = (mantissa - 1) / (mantissa + 1)
    var term = z, sum = 0.0
    var n = 1.0
    while n < 60 {
        sum += term / n
        term *= z * z
        n += 2
    }
    return exponent + 2 * sum / 0.6931471805599453
}
