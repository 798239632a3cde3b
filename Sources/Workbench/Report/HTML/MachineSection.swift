import PerfKit

/// Section 5: the machine the numbers come from, and the commands that
/// reproduce every chart.
enum MachineSection {
    static func html(_ content: ReportContent) -> String {
        let machine = content.bench.machine
        var rows: [(String, String)] = [
            ("CPU", machine.cpuModel ?? "unknown"),
            ("logical CPUs", "\(machine.logicalCPUsOnline) online, \(machine.logicalCPUsAvailable) available to the bench"),
            ("memory", machine.memoryBytes.map { tickLabel(formatBytes($0)) } ?? "unknown"),
        ]
        let caches = machine.caches.filter { $0.type != "Instruction" }
        rows.append(("caches", caches.isEmpty ? "unknown" : caches.map { cache in
            "\(cache.name) \(tickLabel(formatBytes(cache.sizeBytes)))" + (cache.instances > 1 ? " × \(cache.instances)" : "")
                + " (two double grids fit up to \(cache.largestSquareGrid)²)"
        }.joined(separator: "; ")))
        if machine.counters.isEmpty {
            rows.append(("counters", "not probed"))
        } else {
            let supported = machine.counters.filter { [.supported, .userSpaceOnly].contains($0.support) }.map { "\($0.event)" }
            let unsupported = machine.counters.filter { ![.supported, .userSpaceOnly].contains($0.support) }.map { "\($0.event)" }
            rows.append(("counters supported", supported.isEmpty ? "none" : supported.joined(separator: ", ")))
            if !unsupported.isEmpty { rows.append(("counters not available", unsupported.joined(separator: ", "))) }
        }
        rows.append(("build", "Swift \(machine.compilerVersion) compiler, language mode \(machine.languageMode), \(machine.buildConfiguration)"
            + (machine.nativeTargetCPU ? ", -target-cpu native" : ", portable code")))
        rows.append(("bench run", content.bench.date))
        rows.append(("data", content.benchSource))
        let table = "<table class=\"facts-table\"><tbody>" + rows.map { key, value in
            "<tr><th scope=\"row\">\(XML.escape(key))</th><td>\(XML.escape(value))</td></tr>"
        }.joined() + "</tbody></table>"
        let commands = content.commands.map { purpose, command in
            "<li><span class=\"command-purpose\">\(XML.escape(purpose))</span><pre><code>\(XML.escape(command))</code></pre></li>"
        }.joined()
        let body = "<div class=\"machine-layout\"><div>" + table + "</div><div><h3>Reproduce every chart</h3><ul class=\"commands\">"
            + commands + "</ul><p class=\"note\">From a checkout, put <code>swift run -c release</code> before <code>diffuse</code>. "
            + "Times vary by 5–20 % between runs on shared machines.</p></div></div>"
        return ReportPage.section(id: "machine", number: 5, title: "The machine and the commands",
                                  lead: "Where these numbers come from, and how to make them again.", body: body)
    }
}
