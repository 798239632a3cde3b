import Hardware

/// Cache arithmetic from the seed: how large a grid of Doubles fits in a cache.
///
/// The seed's example: a 20,480 KB L3 (KB = 1000 bytes, 20,480,000 bytes)
/// holds 20,480,000 / 8 = 2,560,000 Doubles; two grids (the state and the
/// scratch copy) get 1,280,000 each; √1,280,000 = 1131.4, so a 1131 × 1131
/// grid is the largest square pair that fits.
public enum CacheFit {
    /// The side of the largest square grid of which `copies` copies of
    /// `bytesPerElement`-byte elements fit in `cacheBytes`:
    /// ⌊√(cacheBytes / bytesPerElement / copies)⌋, computed exactly in
    /// integers. `20_480_000` → 1131; 32 MiB (33,554,432) → 1448. Zero or
    /// negative inputs give 0.
    public static func largestSquareGrid(cacheBytes: Int, bytesPerElement: Int = 8, copies: Int = 2) -> Int {
        guard cacheBytes > 0, bytesPerElement > 0, copies > 0 else { return 0 }
        // ⌊√(x/y)⌋ = ⌊√⌊x/y⌋⌋ for integers, so integer division loses nothing.
        let elements = cacheBytes / bytesPerElement / copies
        return integerSquareRoot(elements)
    }

    /// ⌊√n⌋ for n ≥ 0, exact for every Int (the Double estimate is corrected).
    static func integerSquareRoot(_ n: Int) -> Int {
        guard n > 0 else { return 0 }
        var root = max(1, Int(Double(n).squareRoot()))
        // Division instead of root * root: no overflow near Int.max.
        while root > n / root { root -= 1 }
        while root + 1 <= n / (root + 1) { root += 1 }
        return root
    }

    /// Bytes in a sysfs cache size such as "32K" or "32768K" (sysfs K = KiB =
    /// 1024 bytes; M = MiB, G = GiB; no suffix = bytes): `CacheReading.parseSize`.
    /// - Throws: `CacheSizeError` for anything else.
    public static func parseSysfsSize(_ text: String) throws(CacheSizeError) -> Int {
        try CacheReading.parseSize(text)
    }
}

/// A cache size that is not a number with an optional K, M or G suffix.
public typealias CacheSizeError = Hardware.CacheSizeError
