import Testing

/// The suites that replace or shut down the process-wide thread teams
/// (`ThreadTeam.shared`, `ScheduleResources.release()`), or that expect the
/// shared team to stay the same across a test. Swift Testing runs suites in
/// parallel in one process; nested here, they run one at a time. Tests
/// elsewhere may use the shared teams concurrently (they neither replace nor
/// count them), and threads are counted per team, not per process.
@Suite("Thread team state", .serialized)
struct ThreadTeamState {}
