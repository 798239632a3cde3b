#if !MPI
/// Without the `MPI` trait there is no distributed run: this stands in for
/// `DistributedRun` (MPI/DistributedRun.swift) so callers need no `#if`, and
/// says how to build it.
public enum DistributedRun {
    public static func run(_ request: DistributedRequest, report: (String) -> Void) throws(DistributedFailure) -> DistributedOutcome {
        throw DistributedFailure(
            message: "this diffuse was built without MPI: build with `\(MPILaunch.buildCommand)` (\(MPILaunch.installHint))",
            printsHere: !MPILaunch.isNonRootRank)
    }
}
#endif
