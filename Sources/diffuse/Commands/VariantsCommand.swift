import ArgumentParser
import DiffusionKit
import Workbench

/// `diffuse variants`: the ladder, with what each rung teaches.
struct VariantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variants",
        abstract: "List the schedules (the ladder) and the peers.",
        discussion: """
            Every schedule computes the same thing (explicit Euler, five-point Laplacian); they \
            differ in how. Each is checked against the reference before its time is shown. \
            Run one with `diffuse run --variant NAME`; time them with `diffuse bench`.

            Examples:
              diffuse variants
              diffuse variants --format json
            """
    )

    @Option(name: .long, help: "Output format.")
    var format: TableFormat = .table

    func run() throws {
        let schedules = ScheduleRegistry.all.map(\.descriptor)
        var table = Table(columns: [
            .init("name", .left), .init("seed counterpart", .left), .init("cores", .left), .init("supports", .left), .init("lesson", .left),
        ])
        for schedule in schedules {
            // What the schedule may use; `bench` and `stat` report what it used on a workload.
            let cores = if schedule.isParallel { "all" } else { "1" }
            table.rows.append([schedule.name, schedule.seedCounterpart, cores, schedule.supports, schedule.lesson])
        }
        var peers = Table(columns: [.init("peer (bench --peers)", .left), .init("language", .left), .init("seed counterpart", .left), .init("lesson", .left)])
        for peer in PeerCatalog.all {
            peers.rows.append([peer.name, peer.language.rawValue, peer.seedCounterpart ?? "(beyond the seed)", peer.lesson])
        }
        switch format {
        case .json: Terminal.standardOutput(try jsonText(VariantList(schedules: schedules, peers: PeerCatalog.all.map(PeerEntry.init))))
        case .markdown: Terminal.standardOutput(table.markdown + "\n" + peers.markdown)
        case .csv: Terminal.standardOutput(table.csv)
        case .table: Terminal.standardOutput(table.text + "\n" + peers.text)
        }
    }
}

private struct VariantList: Encodable {
    let schedules: [ScheduleDescriptor]
    let peers: [PeerEntry]
}

private struct PeerEntry: Encodable {
    let name: String, language: String, seedCounterpart: String?, lesson: String, multithreaded: Bool

    init(_ peer: Peer) {
        name = peer.name
        language = peer.language.rawValue
        seedCounterpart = peer.seedCounterpart
        lesson = peer.lesson
        multithreaded = peer.isMultithreaded
    }

    enum CodingKeys: String, CodingKey {
        case name, language, seedCounterpart = "seed_counterpart", lesson, multithreaded
    }
}
