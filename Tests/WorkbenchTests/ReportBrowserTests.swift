import DiffusionKit
import Foundation
import Testing
@testable import Workbench

/// The report rendered by a real browser: headless Chromium, 1280 px wide,
/// no network. Skipped, with the reason printed, where Chromium is missing.
@Suite("diffuse report in Chromium", .enabled(if: Chromium.path != nil, Comment(rawValue: Chromium.missing)))
struct ReportBrowserTests {
    /// The fixture's page, written to a temporary folder.
    static func writePage() throws -> (folder: String, page: String) {
        let folder = NSTemporaryDirectory() + "diffuse-report-browser-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let page = folder + "/report.html"
        try TextFile.write(ReportPage.html(try ReportFixture.content()), to: page)
        return (folder, page)
    }

    @Test("after its script runs: no console error, every chart in the DOM, the bars in ranked order, no horizontal scroll bar")
    func dom() throws {
        let (folder, page) = try Self.writePage()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try Chromium.run(page, ["--dump-dom"])
        #expect(run.status == 0)
        #expect(run.consoleMessages.isEmpty, "console: \(run.consoleMessages)")
        let dom = run.output
        // The script ran: the player is wired, and the page fits 1280 px.
        #expect(dom.contains("data-player=\"ready\""), "the page's script did not run")
        #expect(dom.contains("data-fits-width=\"true\""), "the page is wider than a 1280-px window")
        for chart in ["wrap-up-chart", "sweep-chart", "roofline-chart", "colour-bar", "drift-chart"] {
            #expect(dom.contains("class=\"chart \(chart)\""), "no \(chart) in the rendered DOM")
        }
        let bars = dom.matches(of: /<rect class="bar"[^>]*data-label="([^"]+)"/).map { String($0.1) }
        #expect(bars == ReportFixture.rankedNames.map(XML.escape))
        #expect(dom.contains("step 0 of 40"))
    }

    @Test("the console check sees a page's uncaught error (so a clean run means something)")
    func consoleCheckWorks() throws {
        let folder = NSTemporaryDirectory() + "diffuse-report-browser-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TextFile.write("<!DOCTYPE html><p>x</p><script>throw new Error('deliberate')</script>", to: folder + "/bad.html")
        let run = try Chromium.run(folder + "/bad.html", ["--dump-dom"])
        #expect(run.consoleMessages.contains { $0.contains("Uncaught Error: deliberate") }, "\(run.consoleMessages)")
    }

    @Test("the width check sees a page wider than the window (so \"fits\" means something)")
    func widthCheckWorks() throws {
        let folder = NSTemporaryDirectory() + "diffuse-report-browser-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TextFile.write("<!DOCTYPE html><div style=\"width: 1500px\">wide</div><script>\(ReportStyle.script)</script>", to: folder + "/wide.html")
        let run = try Chromium.run(folder + "/wide.html", ["--dump-dom"])
        #expect(run.output.contains("data-fits-width=\"false\""))
    }

    @Test("a 1280-px-wide screenshot is not blank: many colours, and real contrast")
    func screenshot() throws {
        let (folder, page) = try Self.writePage()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let shot = folder + "/report.png"
        let run = try Chromium.run(page, ["--screenshot=" + shot], height: 3600)
        #expect(run.status == 0 && run.consoleMessages.isEmpty, "\(run.consoleMessages)")
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: shot)))
        // DIFFUSE_REPORT_SCREENSHOT=path keeps a copy, to look at.
        if let keep = ProcessInfo.processInfo.environment["DIFFUSE_REPORT_SCREENSHOT"] {
            try Data(bytes).write(to: URL(fileURLWithPath: keep))
        }
        let image = try PNGImage(decoding: bytes)
        #expect(image.width == 1280 && image.height == 3600)
        // Luminance statistics over every pixel.
        var sum = 0.0, sumOfSquares = 0.0
        var colours = Set<UInt32>()
        var viridisPurple = 0
        let channels = image.channels
        for pixel in stride(from: 0, to: image.pixels.count, by: channels) {
            let (r, g, b) = (image.pixels[pixel], image.pixels[pixel + min(1, channels - 1)], image.pixels[pixel + min(2, channels - 1)])
            let luminance = 0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)
            sum += luminance
            sumOfSquares += luminance * luminance
            if colours.count < 5000 { colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)) }
            if (r, g, b) == (68, 1, 84) { viridisPurple += 1 }
        }
        let count = Double(image.width * image.height)
        let deviation = (sumOfSquares / count - (sum / count) * (sum / count)).squareRoot()
        #expect(deviation > 10, "luminance standard deviation \(deviation): a blank page?")
        #expect(colours.count > 200, "only \(colours.count) colours: a blank page?")
        // The viridis heat maps (the field section, inside the 3600-px window) are drawn:
        // their darkest purple fills thousands of pixels.
        #expect(viridisPurple > 10_000, "\(viridisPurple) pixels of viridis purple")
    }
}
