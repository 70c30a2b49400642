/// One declaration of a query file's header, `words -- help`: what the declaration says and the
/// help text after `--` (empty when there is none).
public struct HeaderDeclaration: Sendable, Equatable {
    /// The words before `--`, split on spaces.
    public var words: [String]
    public var help: String

    public init(_ text: String) {
        var body = Substring(text)
        var help = ""
        if let dashes = Self.firstDoubleDash(in: body) {
            help = String(body[dashes.upperBound...].trimmedBlanks)
            body = body[..<dashes.lowerBound]
        }
        self.words = body.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        self.help = help
    }

    private static func firstDoubleDash(in text: Substring) -> Range<Substring.Index>? {
        var from = text.startIndex
        while let dash = text[from...].firstIndex(of: "-") {
            let next = text.index(after: dash)
            if next < text.endIndex, text[next] == "-" { return dash..<text.index(after: next) }
            from = next
        }
        return nil
    }
}
