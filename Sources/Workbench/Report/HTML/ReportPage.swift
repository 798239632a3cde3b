import DiffusionKit
import Foundation

/// `diffuse report`'s page: one self-contained HTML file.
///
/// Everything is inline — CSS, SVG charts, the heat maps as `data:` URIs and
/// a few lines of script for the snapshot player — so the file opens from
/// `file://` with the network off and can be mailed or archived as it is.
/// Every text from the data passes through `XML.escape`.
public enum ReportPage {
    public static func html(_ content: ReportContent) -> String {
        let first = content.bench.workloads.first
        let title = "Diffuse report" + (first.map { " — " + BenchFormatter.describeShort($0.workload) } ?? "")
        var body: [String] = []
        body.append(header(content, title: title))
        body.append(WrapUpSection.html(content))
        body.append(SweepSection.html(content))
        body.append(RooflineSection.html(content))
        body.append(FieldSection.html(content))
        body.append(MachineSection.html(content))
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="diffuse report">
            <title>\(XML.escape(title))</title>
            <style>\(ReportStyle.css)</style>
            </head>
            <body>
            <main>
            \(body.joined(separator: "\n"))
            </main>
            <script>\(ReportStyle.script)</script>
            </body>
            </html>

            """
    }

    static func header(_ content: ReportContent, title: String) -> String {
        var facts: [String] = []
        if let workload = content.bench.workloads.first {
            let ranked = workload.results.filter(\.isRanked)
            if let best = ranked.first, let time = best.bestSeconds {
                facts.append(fact(formatSeconds(time), "\(best.variant), the fastest, for the whole run"))
                if let rate = best.updatesPerSecond { facts.append(fact(formatRate(rate), "cell updates per second")) }
                if let speedup = best.speedup { facts.append(fact(significant(speedup, 3) + "×", "faster than nested (the seed's pure Python)")) }
                if best.kind == .swift, let peer = ranked.first(where: { $0.kind == .peer }), let peerTime = peer.bestSeconds {
                    facts.append(fact(significant(time / peerTime, 2) + "×", "the time of the fastest peer, \(peer.variant)"))
                }
            }
            facts.append(fact("\(ranked.count) / \(workload.results.count)", "entries verified and ranked"))
        }
        let machine = content.bench.machine
        return """
            <header class="page-header">
            <p class="eyebrow">Diffuse · the 2D diffusion equation, stepped many ways</p>
            <h1>\(XML.escape(title))</h1>
            <p class="subtitle">\(XML.escape(content.bench.workloads.first.map { BenchFormatter.describe($0.workload) } ?? "no workload"))
            · \(XML.escape(machine.cpuModel ?? "unknown CPU")), \(machine.logicalCPUsAvailable) cores · \(XML.escape(content.bench.date))</p>
            <div class="facts">\(facts.joined())</div>
            </header>
            """
    }

    static func fact(_ value: String, _ caption: String) -> String {
        "<div class=\"fact\"><span class=\"fact-value\">\(XML.escape(value))</span><span class=\"fact-caption\">\(XML.escape(caption))</span></div>"
    }

    /// A section with a numbered heading and a one-line lead.
    static func section(id: String, number: Int, title: String, lead: String, body: String) -> String {
        """
        <section id="\(XML.escape(id))">
        <h2><span class="section-number">\(number)</span>\(XML.escape(title))</h2>
        <p class="lead">\(XML.escape(lead))</p>
        \(body)
        </section>
        """
    }
}

extension BenchFormatter {
    /// "640², 500 steps" or "333×517, 500 steps".
    static func describeShort(_ workload: BenchWorkload) -> String {
        let size = workload.rows == workload.cols ? "\(workload.rows)²" : "\(workload.rows)×\(workload.cols)"
        return "\(size), \(workload.iterations) steps"
    }
}
