import Testing
@testable import PerfKit

@Suite struct StatisticsTests {
    @Test func knownValues() throws {
        let s = try Statistics([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(s.count == 8)
        #expect(s.min == 2 && s.max == 9)
        #expect(s.mean == 5)
        #expect(s.median == 4.5)
        #expect(abs(s.populationStandardDeviation - 2) < 1e-12)
        #expect(abs(s.standardDeviation - (32.0 / 7).squareRoot()) < 1e-12)
        #expect(abs(s.standardError - (32.0 / 7).squareRoot() / 8.0.squareRoot()) < 1e-12)
        #expect(abs(s.relativeSpreadPercent - 15.1185789) < 1e-6)
        // Type-7 quantiles: h = 7 · 0.25 = 1.75 → 4; h = 5.25 → 5.5.
        #expect(s.firstQuartile == 4)
        #expect(s.thirdQuartile == 5.5)
        #expect(s.interquartileRange == 1.5)
        #expect(s.medianAbsoluteDeviation == 0.5)
        // Fences 1.75 and 7.75: 9 is a high outlier.
        #expect(s.lowOutliers == 0 && s.highOutliers == 1 && s.outliers == 1)
    }

    @Test func oneSampleAndOddCount() throws {
        let one = try Statistics([3])
        #expect(one.standardDeviation == 0 && one.relativeSpreadPercent == 0 && one.median == 3)
        let odd = try Statistics([5, 1, 3])
        #expect(odd.median == 3)
        #expect(Statistics.quantile(sorted: [1, 2, 3, 4], 0.5) == 2.5)
        #expect(Statistics.quantile(sorted: [10, 20], 0.1) == 11)
    }

    @Test func rejectsEmptyAndNonFinite() {
        #expect(throws: StatisticsError.empty) { try Statistics([]) }
        #expect(throws: StatisticsError.nonFinite(index: 1)) { try Statistics([1, .nan]) }
    }
}
