import DiffusionKit
import Foundation
import Testing

/// `diffuse run --animate`'s files as a browser sees them: Chromium's own
/// image decoder (WebCodecs' ImageDecoder) must find an animation with every frame.
@Suite("APNG in Chromium", .enabled(if: Chromium.path != nil, Comment(rawValue: Chromium.missing)))
struct AnimatedPNGBrowserTests {
    @Test("Chromium decodes an AnimatedPNG as animated, with every frame, each the grid's size")
    func decodes() throws {
        let problem = Problem(rows: 30, cols: 40, initial: .point)
        var grid = try problem.makeInitialGrid(Double.self)
        var animation = AnimatedPNG(rows: 30, cols: 40, scale: ColourScale(forRunFrom: grid, boundary: problem.boundary))
        for _ in 0 ..< 7 {
            try animation.append(grid)
            try ReferenceSchedule().run(&grid, steps: 3, problem: problem)
        }
        let base64 = Data(animation.encode()).base64EncodedString()
        let page = """
            <!DOCTYPE html><p id="out">pending</p><script>
            const bytes = Uint8Array.from(atob("\(base64)"), c => c.charCodeAt(0));
            const out = document.getElementById('out');
            const decoder = new ImageDecoder({data: bytes, type: 'image/png'});
            decoder.tracks.ready
              .then(() => decoder.decode({frameIndex: decoder.tracks.selectedTrack.frameCount - 1}))
              .then(last => { const track = decoder.tracks.selectedTrack;
                out.textContent = 'frames=' + track.frameCount + ' animated=' + track.animated + ' last=' + last.image.displayWidth + 'x' + last.image.displayHeight; })
              .catch(error => { out.textContent = 'error ' + error; });
            </script>
            """
        let folder = NSTemporaryDirectory() + "diffuse-apng-browser-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try TextFile.write(page, to: folder + "/apng.html")
        let run = try Chromium.run(folder + "/apng.html", ["--dump-dom"])
        #expect(run.output.contains("<p id=\"out\">frames=7 animated=true last=40x30</p>"), "\(run.output.prefix(300)) \(run.consoleMessages)")
    }
}
