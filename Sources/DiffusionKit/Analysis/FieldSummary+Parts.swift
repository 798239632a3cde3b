extension FieldSummary {
    /// A summary from its parts: for a field summarised piece by piece, as
    /// the blocks of a distributed run are (mass summed, extremes combined).
    public init(mass: Double, minimum: Double, maximum: Double, nonFiniteCount: Int = 0) {
        self.mass = mass
        self.minimum = minimum
        self.maximum = maximum
        self.nonFiniteCount = nonFiniteCount
    }
}
