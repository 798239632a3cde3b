/// The schedules users can name, in ladder order.
///
/// Adding a rung means writing its file and adding it here: the commands,
/// the bench and the tests that run every schedule find it through this list
/// and no other. What is written by hand besides: the rung's own tests, the
/// README's ladder table and, for a rung the bench should show by default,
/// the bench's variant list.
public enum ScheduleRegistry {
    /// Every schedule, the reference first, then the seed's ladder from the
    /// slowest rung up, then the schedules beyond the seed.
    public static let all: [any Schedule] = [
        ReferenceSchedule(),
        // The seed's ladder, slowest first, in the order of its Wrap Up.
        NestedSchedule(),
        NestedScratchSchedule(),
        WholeArraySchedule(),
        FilterSchedule(),
        InPlaceSchedule(),
        RollAddSchedule(),
        RollAddBlockedSchedule(),
        // Beyond the seed: one fused pass (Schedules/Ladder/), then the fast
        // schedules (Schedules/Fast/).
        FusedSchedule(),
        SIMDSchedule(),
        ParallelSchedule(),
        TemporalSchedule(),
        // Beyond stepping: n steps at once through FFTW (Schedules/Spectral/).
        SpectralSchedule(),
        // The default of `diffuse run`: one of the above, chosen per workload.
        AutoSchedule(),
    ]

    /// The schedules that are aliases of others (`auto`), which a bench of
    /// "every schedule" leaves out so as not to time the same code twice.
    public static let aliases: Set<String> = ["auto"]

    /// Every schedule but the aliases: each piece of stepping code once.
    public static var distinct: [any Schedule] { all.filter { !aliases.contains($0.descriptor.name) } }

    /// The names, in ladder order.
    public static var names: [String] { all.map(\.descriptor.name) }

    /// The schedule called `name`.
    public static func named(_ name: String) throws(DiffusionError) -> any Schedule {
        guard let schedule = all.first(where: { $0.descriptor.name == name }) else {
            throw .unknownSchedule(name, available: names)
        }
        return schedule
    }
}
