import DiffusionKit
import Foundation

/// Section 4: the field — heat maps at several steps on one colour scale, a
/// player that steps through them, the colour bar, and the mass drift.
enum FieldSection {
    static func html(_ content: ReportContent) -> String {
        guard let film = content.field, let firstFrame = film.frames.first else {
            return ReportPage.section(id: "field", number: 4, title: "The field",
                                      lead: "The field could not be shown.",
                                      body: "<p class=\"note\">\(XML.escape(content.fieldNote ?? "No run was recorded."))</p>")
        }
        let uris = film.frames.map { "data:image/png;base64," + Data($0.png).base64EncodedString() }
        let shownColumns = film.crop.map { $0.cols.count } ?? film.cols
        let pixelated = shownColumns / film.cellsPerPixel < 360 ? " pixelated" : ""
        let frames = zip(film.frames, uris).enumerated().map { index, pair in
            let (frame, uri) = pair
            return "<figure class=\"frame\(index == 0 ? " current" : "")\"><img class=\"heatmap\(pixelated)\" src=\"\(uri)\" "
                + "alt=\"the field at step \(frame.step)\" data-caption=\"step \(frame.step) of \(film.iterations)\">"
                + "<figcaption>step \(frame.step)</figcaption></figure>"
        }
        let colourBar = ColourBar(colours: ColourScale.viridis, low: film.scale.low, high: film.scale.high,
                                  title: "u, the field's value (its initial units); one scale for every frame", id: "viridis-gradient",
                                  format: { tickText($0) })
        // A symmetric axis around 0: drift is rounding, of either sign.
        let largestDrift = film.drift.map { abs($0.relativeDrift) }.max() ?? 0
        var driftAxis = LineChart.Axis(kind: .linear, title: "relative mass drift", includingZero: true, format: { tickText($0) })
        driftAxis.covering = largestDrift > 0 ? [-largestDrift, largestDrift] : [-1e-16, 1e-16]
        let drift = LineChart(
            x: .init(kind: .linear, title: "step", includingZero: true, format: { tickLabel(significant($0, 3)) }),
            y: driftAxis,
            series: [.init(name: "", points: film.drift.map { (x: Double($0.step), y: $0.relativeDrift) }, colour: Palette.blue)],
            label: "Mass drift: (mass − initial mass) / |initial mass| at each step", className: "drift-chart",
            height: 420, markers: film.drift.count <= 40)
        var scaleNote = film.cellsPerPixel > 1 ? " Each pixel is the mean of \(film.cellsPerPixel) × \(film.cellsPerPixel) cells." : ""
        if let crop = film.crop {
            scaleNote += " Shown: rows \(crop.rows.lowerBound)–\(crop.rows.upperBound - 1) and columns \(crop.cols.lowerBound)–\(crop.cols.upperBound - 1), "
                + "where the field is; every other cell stays in the scale's bottom colour in every frame."
        }
        let body = """
            <div class="field-layout">
            <div class="player">
            <img id="field-player" class="heatmap\(pixelated)" src="\(uris[0])" alt="the field at step \(firstFrame.step)">
            <div class="controls">
            <button type="button" id="field-play" aria-pressed="false">Play</button>
            <input type="range" id="field-slider" min="0" max="\(uris.count - 1)" value="0" step="1" aria-label="snapshot">
            <span id="field-step">step \(firstFrame.step) of \(film.iterations)</span>
            </div>
            \(colourBar.svg(width: 520))
            </div>
            <div class="drift">
            <h3>Mass drift</h3>
            \(drift.svg(width: 600))
            <p class="note">(Σu·dx² − initial) / |initial| along the run\(largestDrift == 0 ? ": exactly 0 at every sample" : ", at most \(formatError(largestDrift)) in size"). Periodic and reflecting boundaries conserve mass, so what remains is rounding; a fixed boundary lets mass flow in or out.</p>
            </div>
            </div>
            <div class="frames">\(frames.joined())</div>
            <p class="note">\(film.rows)×\(film.cols) cells, \(film.iterations) steps with \(XML.escape(film.schedule)) (the fastest verified schedule), \
            \(formatSeconds(film.steppingSeconds)) of stepping. Viridis colour map; the scale is fixed from the initial field, \
            which the run cannot leave (the discrete maximum principle).\(scaleNote)</p>
            """
        return ReportPage.section(id: "field", number: 4, title: "The field",
                                  lead: "What the schedules compute: the field spreading, at \(film.frames.count) steps of one more run.", body: body)
    }

    /// A tick label for field values and drifts: "0", "0.005", "2.5e-16".
    static func tickText(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e5 { return String(format: "%g", (value * 1e6).rounded() / 1e6) }
        return String(format: "%.2g", value)
    }
}
