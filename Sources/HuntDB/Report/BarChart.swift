/// A horizontal bar chart drawn as inline SVG: one bar per label, its count at its end. No
/// script, no external font; labels are escaped text.
struct BarChart {
    let title: String
    let bars: [(label: String, count: Int)]
    var width = 520
    var rowHeight = 18
    var labelWidth = 190

    func render() -> String {
        let top = bars.map(\.count).max() ?? 0
        let height = max(bars.count, 1) * rowHeight + 8
        let span = width - labelWidth - 60
        var svg = HTMLWriter()
        svg.open("figure", ["class": "chart"])
        svg.element("figcaption", title)
        svg.text(svgOpen: "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">")
        svg.element("title", title)
        if bars.isEmpty {
            svg.text(svgOpen: "<text x=\"4\" y=\"14\" class=\"axis\">")
            svg.add("no alerts")
            svg.close("text")
        }
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 4
            let length = top == 0 ? 0 : max(1, span * bar.count / top)
            svg.text(svgOpen: "<text x=\"\(labelWidth - 6)\" y=\"\(y + 12)\" text-anchor=\"end\" class=\"axis\">")
            svg.add(Self.shorten(bar.label, to: 30))
            svg.close("text")
            svg.text(svgOpen: "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(length)\" height=\"\(rowHeight - 5)\" class=\"bar\">")
            svg.element("title", "\(bar.label): \(bar.count)")
            svg.close("rect")
            svg.text(svgOpen: "<text x=\"\(labelWidth + length + 4)\" y=\"\(y + 12)\" class=\"axis\">\(bar.count)")
            svg.close("text")
        }
        svg.close("svg")
        svg.close("figure")
        return svg.text
    }

    /// The start and end of a long label, so host and rule names stay recognizable.
    static func shorten(_ label: String, to limit: Int) -> String {
        guard label.count > limit else { return label }
        let keep = (limit - 1) / 2
        return String(label.prefix(keep)) + "…" + String(label.suffix(limit - 1 - keep))
    }
}

extension HTMLWriter {
    /// Markup built from numbers and our own words only (SVG element openings).
    fileprivate mutating func text(svgOpen markup: String) { appendTrusted(markup) }
}
