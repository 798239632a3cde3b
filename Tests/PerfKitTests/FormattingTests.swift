import Testing
@testable import PerfKit

@Suite struct FormattingTests {
    @Test func thousandsSeparatorsLikePerf() {
        #expect(PerfFormat.grouped(228_108_155_330.0) == "228,108,155,330")
        #expect(PerfFormat.grouped(841.0) == "841")
        #expect(PerfFormat.grouped(4213.0) == "4,213")
        #expect(PerfFormat.grouped(1_000_000.0) == "1,000,000")
        #expect(PerfFormat.grouped(63831.814032, fractionDigits: 2) == "63,831.81")
        #expect(PerfFormat.grouped(123.45, fractionDigits: 2) == "123.45")
        #expect(PerfFormat.grouped(-1_234_567.0) == "-1,234,567")
        #expect(PerfFormat.grouped(999.6) == "1,000")
        #expect(PerfFormat.grouped(4213.0, separator: "") == "4213")
        #expect(PerfFormat.grouped(100_000) == "100,000")
        #expect(PerfFormat.grouped(-12) == "-12")
    }

    @Test func timeSpansLikeIPython() {
        #expect(PerfFormat.timeSpan(0.0019) == "1.9 ms")
        #expect(PerfFormat.timeSpan(0.0631) == "63.1 ms")
        #expect(PerfFormat.timeSpan(0.000672) == "672 \u{00B5}s")
        #expect(PerfFormat.timeSpan(2.6e-6) == "2.6 \u{00B5}s")
        #expect(PerfFormat.timeSpan(1.92e-3) == "1.92 ms")
        #expect(PerfFormat.timeSpan(31.2e-6) == "31.2 \u{00B5}s")
        #expect(PerfFormat.timeSpan(0.2) == "200 ms")
        #expect(PerfFormat.timeSpan(1.5) == "1.5 s")
        #expect(PerfFormat.timeSpan(5e-10) == "0.5 ns")
        #expect(PerfFormat.timeSpan(0) == "0 ns")
        #expect(PerfFormat.timeSpan(75) == "1min 15s")
        #expect(PerfFormat.timeSpan(3_725) == "1h 2min 5s")
    }

    @Test func generalAndMebibytes() {
        #expect(PerfFormat.general(1e-6) == "1e-06")
        #expect(PerfFormat.general(1.77353) == "1.77353")
        #expect(PerfFormat.general(178.527) == "178.527")
        #expect(PerfFormat.mebibytes(47_824_896) == "45.61 MiB")
        #expect(cFormat("  ( +-%6.2f%% )", 1.07) == "  ( +-  1.07% )")
    }
}
