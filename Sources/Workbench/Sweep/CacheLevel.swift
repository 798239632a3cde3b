import PerfKit

/// Which level of the memory hierarchy a working set fits in.
public enum CacheLevel {
    /// The name of the smallest data cache ("L1d", "L2", "L3", …) whose one
    /// instance holds `workingSetBytes`, or "DRAM" when none does.
    /// Instruction caches are ignored. A working set equal to a cache's size
    /// fits in it.
    public static func classify(workingSetBytes: Int, caches: [CacheInfo]) -> String {
        let data = caches.filter { $0.type != "Instruction" }.sorted { ($0.level, $0.sizeBytes) < ($1.level, $1.sizeBytes) }
        return data.first { workingSetBytes <= $0.sizeBytes }?.name ?? "DRAM"
    }

    /// The working set of one explicit step: the grid and the grid it is
    /// written into, rows × cols × bytes per cell × 2.
    public static func workingSetBytes(rows: Int, cols: Int, bytesPerCell: Int) -> Int {
        rows * cols * bytesPerCell * 2
    }
}
