#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a set of samples cannot be summarised.
public enum StatisticsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No samples were given.
    case empty
    /// A sample was NaN or infinite (at the given index).
    case nonFinite(index: Int)

    public var description: String {
        switch self {
        case .empty: return "no samples: measure at least one run before computing statistics"
        case .nonFinite(let index): return "sample \(index) is not a finite number: check the clock or the measured value"
        }
    }
}

/// Summary statistics of a set of samples (times in seconds, counts, …; the
/// unit is the samples' own).
///
/// Definitions, for samples x₁…xₙ sorted ascending:
/// - `median`: the middle value, the mean of the two middle values for even n.
/// - `mean`: Σxᵢ/n. `standardDeviation`: the sample standard deviation,
///   √(Σ(xᵢ−mean)²/(n−1)); 0 when n = 1.
///   `populationStandardDeviation`: √(Σ(xᵢ−mean)²/n), what IPython's
///   `%timeit` prints after "±".
/// - `standardError`: standardDeviation/√n, the standard error of the mean.
/// - `relativeSpreadPercent`: 100 · standardError / |mean|, exactly perf
///   stat's "( +- x% )" (perf's `rel_stddev_stats(stddev_stats(), avg)`, where
///   `stddev_stats` is already the standard error of the mean); 0 when the
///   mean is 0 or n = 1.
/// - `medianAbsoluteDeviation`: median of |xᵢ − median|, unscaled (multiply
///   by 1.4826 to estimate σ for normal data).
/// - Quantiles use linear interpolation between closest ranks (Hyndman & Fan
///   type 7, the default of NumPy and R): q(p) = x⌊h⌋ + (h−⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋)
///   with h = (n−1)p on 0-based sorted samples.
/// - Outliers: Tukey's fences, below `firstQuartile − 1.5·IQR` or above
///   `thirdQuartile + 1.5·IQR`, IQR = Q3 − Q1.
public struct Statistics: Sendable, Codable, Equatable {
    /// Number of samples.
    public var count: Int
    /// Smallest sample.
    public var min: Double
    /// Largest sample.
    public var max: Double
    /// Arithmetic mean.
    public var mean: Double
    /// Median (type-7 quantile 0.5).
    public var median: Double
    /// Sample standard deviation (n − 1 in the denominator); 0 for one sample.
    public var standardDeviation: Double
    /// Population standard deviation (n in the denominator).
    public var populationStandardDeviation: Double
    /// Median absolute deviation from the median, unscaled.
    public var medianAbsoluteDeviation: Double
    /// First quartile (type-7 quantile 0.25).
    public var firstQuartile: Double
    /// Third quartile (type-7 quantile 0.75).
    public var thirdQuartile: Double
    /// Samples below Q1 − 1.5·IQR.
    public var lowOutliers: Int
    /// Samples above Q3 + 1.5·IQR.
    public var highOutliers: Int

    /// Summarises `samples`.
    ///
    /// - Throws: `StatisticsError.empty` for no samples,
    ///   `StatisticsError.nonFinite` when a sample is NaN or infinite.
    public init(_ samples: [Double]) throws(StatisticsError) {
        guard !samples.isEmpty else { throw .empty }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(index: bad) }
        let sorted = samples.sorted()
        let n = sorted.count
        count = n
        min = sorted[0]
        max = sorted[n - 1]
        // Two-pass mean and deviations: more accurate than the one-pass
        // formula when the spread is tiny compared with the mean.
        let mean = sorted.reduce(0, +) / Double(n)
        self.mean = mean
        let squares = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        standardDeviation = n > 1 ? (squares / Double(n - 1)).squareRoot() : 0
        populationStandardDeviation = (squares / Double(n)).squareRoot()
        let median = Statistics.quantile(sorted: sorted, 0.5)
        self.median = median
        medianAbsoluteDeviation = Statistics.quantile(sorted: sorted.map { abs($0 - median) }.sorted(), 0.5)
        firstQuartile = Statistics.quantile(sorted: sorted, 0.25)
        thirdQuartile = Statistics.quantile(sorted: sorted, 0.75)
        let iqr = thirdQuartile - firstQuartile
        let low = firstQuartile - 1.5 * iqr
        let high = thirdQuartile + 1.5 * iqr
        lowOutliers = sorted.count(where: { $0 < low })
        highOutliers = sorted.count(where: { $0 > high })
    }

    /// Q3 − Q1.
    public var interquartileRange: Double { thirdQuartile - firstQuartile }

    /// Total number of Tukey outliers, low and high.
    public var outliers: Int { lowOutliers + highOutliers }

    /// Standard error of the mean: standardDeviation / √count.
    public var standardError: Double { standardDeviation / Double(count).squareRoot() }

    /// perf stat's "( +- x% )": 100 · standardError / |mean|; 0 when the mean
    /// is 0.
    public var relativeSpreadPercent: Double {
        mean == 0 ? 0 : 100 * standardError / abs(mean)
    }

    /// The type-7 quantile `p` (0…1) of samples already sorted ascending.
    /// `p` is clamped to 0…1; an empty array gives NaN.
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * Swift.min(Swift.max(p, 0), 1)
        let lower = Int(h.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
