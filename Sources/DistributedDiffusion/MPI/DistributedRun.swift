#if MPI
import CMPI
import DiffusionKit

/// `mpirun -np P diffuse run …`: one problem stepped across P processes.
///
/// Plan, on every rank:
/// 1. Start MPI; let MPI_Dims_create shape the process grid and
///    MPI_Cart_create lay it out (periodic in both dimensions under a
///    periodic boundary); check the blocks can carry the halo and the
///    output can be written. Any rank's refusal is agreed on by all before
///    any step (`MPIWorld.agree`), and printed once.
/// 2. Fill the local grid's block: an analytic initial field is computed
///    whole and cut (the cost of one grid per rank, once), a `file:` field
///    is read collectively (`ParallelNPY`).
/// 3. Cycles of m ≤ h steps: a halo exchange (`HaloExchange`), then m steps
///    of the local grid with the schedule (see `BlockLayout` for why that is
///    exact). Messages fall h-fold against exchanging every step.
/// 4. Summaries by reduction; the output written collectively.
///
/// A schedule that throws on one rank mid-run (where the other ranks wait
/// in an exchange) prints its error and aborts every rank (MPI_Abort).
public enum DistributedRun {
    /// Runs `request` on this rank. On failure, the rank that met it first
    /// passes the message to `report` (before MPI ends on any rank: a rank
    /// that exits early would let mpirun tear down the job before the message
    /// is out) and every rank throws the agreed failure. A rank that must
    /// abort the run alone also reports through `report`.
    public static func run(_ request: DistributedRequest, report: (String) -> Void) throws(DistributedFailure) -> DistributedOutcome {
        let world = MPIWorld.start()
        let result: Result<DistributedOutcome, DistributedFailure>
        switch request.problem.precision {
        case .double: result = run(request, Double.self, world, report)
        case .float: result = run(request, Float.self, world, report)
        }
        if case .failure(let failure) = result, failure.printsHere { report(failure.message) }
        world.barrier()
        world.finish()
        return try result.get()
    }

    private static func run<Scalar: DiffusionScalar>(
        _ request: DistributedRequest, _: Scalar.Type, _ world: MPIWorld, _ reportAbort: (String) -> Void
    ) -> Result<DistributedOutcome, DistributedFailure> {
        let problem = request.problem
        let periodic = problem.boundary == .periodic

        // 1. The process grid, checked on every rank.
        var dims: [Int32] = [0, 0]
        MPI_Dims_create(Int32(world.size), 2, &dims)
        let decomposition = Decomposition(rows: problem.rows, cols: problem.cols,
                                          processRows: Int(dims[0]), processCols: Int(dims[1]), periodic: periodic)
        let depth = request.haloDepth ?? decomposition.automaticHaloDepth
        var refusal: String? = nil
        do { try decomposition.validate(haloDepth: depth) } catch { refusal = error.description }
        if refusal == nil, 1.littleEndian != 1 { refusal = "distributed runs need a little-endian machine (the .npy files are little-endian)" }
        if let failure = world.agree(refusal) { return .failure(failure) }

        var periods: [Int32] = [periodic ? 1 : 0, periodic ? 1 : 0]
        var cart: MPI_Comm? = cmpi_comm_null()
        MPI_Cart_create(cmpi_comm_world(), 2, &dims, &periods, 0, &cart)
        defer { MPI_Comm_free(&cart) }
        var coords: [Int32] = [0, 0]
        MPI_Cart_coords(cart, Int32(world.rank), 2, &coords)
        var north: Int32 = 0, south: Int32 = 0, west: Int32 = 0, east: Int32 = 0
        MPI_Cart_shift(cart, 0, 1, &north, &south)
        MPI_Cart_shift(cart, 1, 1, &west, &east)
        let layout = BlockLayout(decomposition, processRow: Int(coords[0]), processCol: Int(coords[1]), haloDepth: depth)
        let localProblem = layout.localProblem(problem)

        // MPI counts are 32-bit: a block's cells (and the gathered field of --png) must fit.
        if layout.localRows * layout.localCols > Int(Int32.max) || (request.png != nil && problem.cellCount > Int(Int32.max)) {
            refusal = "a block of \(layout.localRows)×\(layout.localCols) cells (or the whole field for --png) exceeds MPI's 32-bit counts: use more processes"
        }
        if refusal == nil, request.schedule.descriptor.name == "spectral" {
            // A transform of the whole grid is not local: a block's wrong halo
            // values would reach every cell in one step.
            refusal = "schedule spectral transforms the whole grid at once and cannot step blocks: use a stencil schedule (auto, temporal, simd, …) under mpirun"
        }
        if refusal == nil, let reason = request.schedule.limitation(for: localProblem) {
            refusal = "schedule \(request.schedule.descriptor.name) cannot step this run's blocks: \(reason)"
        }
        if refusal == nil, let output = request.output {
            do { try OutputFolder.checkWritable(file: output) } catch { refusal = error.description }
        }
        if refusal == nil, let png = request.png, world.isRoot {
            do { try OutputFolder.checkWritable(file: png) } catch { refusal = error.description }
        }
        if refusal == nil, let snapshots = request.snapshots {
            // Rank 0 creates the folder; every rank then checks it can write there.
            if world.isRoot {
                do { try OutputFolder.prepare(snapshots.folder) } catch { refusal = error.description }
            }
            if let failure = world.agree(refusal) { return .failure(failure) }
            do { try OutputFolder.checkWritable(file: snapshots.path(0)) } catch { refusal = error.description }
        }
        if let failure = world.agree(refusal) { return .failure(failure) }

        // 2. The initial block.
        let block: Grid<Scalar>
        if case .file(let path) = problem.initial {
            switch ParallelNPY.readBlock(Scalar.self, path: path, layout: layout, world: world, communicator: cart) {
            case .success(let read): block = read
            case .failure(let failure): return .failure(failure)
            }
        } else {
            var whole: Grid<Scalar>? = nil
            var problemText: String? = nil
            do { whole = try problem.makeInitialGrid(Scalar.self) } catch { problemText = error.description }
            if let failure = world.agree(problemText) { return .failure(failure) }
            block = layout.block(of: whole!)
        }
        var local = Grid<Scalar>(rows: layout.localRows, cols: layout.localCols)
        layout.placeOwned(block, into: &local)
        let initial = combine(FieldSummary(block, dx: problem.dx), world)

        // 3. The stepping, in segments between snapshots (one segment without them).
        let exchange = HaloExchange(layout, neighbours: (north, south, west, east), communicator: cart, scalar: Scalar.self)
        let context = ExecutionContext(threads: request.threadsPerRank)
        var haloSeconds = 0.0, elapsed = 0.0, exchanges = 0
        var files: [String] = []
        func snapshot(at step: Int) -> DistributedFailure? {
            guard let snapshots = request.snapshots, step % snapshots.every == 0 else { return nil }
            let path = snapshots.path(step)
            if let failure = ParallelNPY.write(layout.ownedBlock(of: local), layout: layout, rows: problem.rows, cols: problem.cols,
                                               to: path, world: world, communicator: cart) {
                return failure
            }
            files.append(path)
            return nil
        }
        if let failure = snapshot(at: 0) { return .failure(failure) }
        var step = 0
        while step < request.iterations {
            let target = request.snapshots.map { min(request.iterations, (step / $0.every + 1) * $0.every) } ?? request.iterations
            world.barrier()
            let start = MPIWorld.seconds()
            let cycles = BlockLayout.cycleLengths(steps: target - step, haloDepth: depth, exchanges: decomposition.exchangesAny)
            for steps in cycles {
                if decomposition.exchangesAny {
                    let before = MPIWorld.seconds()
                    local.withUnsafeMutableBufferPointer { cells in exchange.exchange(UnsafeMutableRawPointer(cells.baseAddress!)) }
                    haloSeconds += MPIWorld.seconds() - before
                    exchanges += 1
                }
                do {
                    try request.schedule.run(&local, steps: steps, problem: localProblem, context: context)
                } catch {
                    world.abort("rank \(world.rank): \(error.description)", report: reportAbort)
                }
            }
            elapsed += MPIWorld.seconds() - start
            step = target
            if let failure = snapshot(at: step) { return .failure(failure) }
        }

        // 4. Summaries and files.
        let finalBlock = layout.ownedBlock(of: local)
        let final = combine(FieldSummary(finalBlock, dx: problem.dx), world)
        if let output = request.output {
            if let failure = ParallelNPY.write(finalBlock, layout: layout, rows: problem.rows, cols: problem.cols,
                                               to: output, world: world, communicator: cart) {
                return .failure(failure)
            }
            files.append(output)
        }
        if let png = request.png {
            var problemText: String? = nil
            if let field = GatheredField.gather(finalBlock, decomposition: decomposition, haloDepth: depth, world: world, communicator: cart) {
                do { try PNGFile.write(field, to: png) } catch { problemText = error.description }
            }
            if let failure = world.agree(problemText) { return .failure(failure) }
            files.append(png)
        }
        let resolved = (request.schedule as? AutoSchedule)?.choice(for: localProblem, context: context) ?? request.schedule
        return .success(DistributedOutcome(
            isRoot: world.isRoot, ranks: world.size,
            processRows: decomposition.processRows, processCols: decomposition.processCols, haloDepth: depth,
            scheduleName: resolved.descriptor.name,
            threadsPerRank: resolved.threads(for: localProblem, context: context),
            elapsedSeconds: world.maximum(elapsed), haloSeconds: world.maximum(haloSeconds),
            initial: initial, final: final,
            traffic: HaloTraffic(decomposition, haloDepth: depth, bytesPerCell: MemoryLayout<Scalar>.size),
            exchanges: exchanges, iterations: request.iterations,
            files: files))
    }

    /// The summary of the whole field from every rank's block.
    private static func combine(_ part: FieldSummary, _ world: MPIWorld) -> FieldSummary {
        FieldSummary(
            mass: world.sum(part.mass), minimum: world.minimum(part.minimum), maximum: world.maximum(part.maximum),
            nonFiniteCount: Int(world.sum(Double(part.nonFiniteCount))))
    }
}
#endif
