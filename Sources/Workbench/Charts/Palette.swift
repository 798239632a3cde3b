/// Colours that people with any common colour-vision deficiency can tell
/// apart: Okabe & Ito's eight (2008), as recommended by Wong, Nature
/// Methods 8, 441 (2011). Black is left out: it is the text colour.
public enum Palette {
    public static let orange = "#E69F00"
    public static let skyBlue = "#56B4E9"
    public static let bluishGreen = "#009E73"
    public static let yellow = "#F0E442"
    public static let blue = "#0072B2"
    public static let vermillion = "#D55E00"
    public static let reddishPurple = "#CC79A7"

    /// The order series take: strong, well-separated colours first (yellow,
    /// weak on white, last).
    public static let series = [blue, vermillion, bluishGreen, reddishPurple, orange, skyBlue, yellow]

    /// The colour of series `index`, cycling.
    public static func colour(_ index: Int) -> String { series[((index % series.count) + series.count) % series.count] }

    /// Text, axes, grid lines and shades: greys that print.
    public static let ink = "#1d1d1f"
    public static let muted = "#5f6368"
    public static let grid = "#e3e5e8"
    public static let shade = "#f1f3f5"
}
