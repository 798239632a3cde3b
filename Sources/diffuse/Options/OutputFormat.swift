import ArgumentParser
import Workbench

// The `--format` choices, one type per set of choices: ArgumentParser lists
// them in --help and refuses any other value with its own one-line error, and
// each command's `switch` over them is checked for completeness by the
// compiler, so a new format is a new case here and a case in the renderers.

/// `--format` of the commands that print one report as text or as JSON:
/// info, profile, roofline and stat.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json

    /// `report` in this format: `text(report)`, or the report's JSON.
    func render<Report: Encodable>(_ report: Report, text: (Report) -> String) throws -> String {
        switch self {
        case .text: text(report)
        case .json: try jsonText(report)
        }
    }
}

/// `--format` of `sweep`: the table with its throughput bars, JSON, or one
/// CSV line per point for a spreadsheet.
enum SweepFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json, csv
}

/// `--format` of `bench` and `variants`: an aligned table, Markdown, CSV or JSON.
extension TableFormat: ExpressibleByArgument {}
