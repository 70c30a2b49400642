/// One declaration of a query file's header, `words -- help`: what the declaration says and the
/// help text after `--` (empty when there is none).
public struct HeaderDeclaration: Sendable, Equatable {
    /// The words before `--`, split on spaces.
    public var words: [String]
    public var help: String

    public init(_ text: String) {
        var body = Substring(text)
        var help = ""
        if let dashes = body.range(of: "--") {
            help = body[dashes.upperBound...].trimmingCharacters(in: .whitespaces)
            body = body[..<dashes.lowerBound]
        }
        self.words = body.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        self.help = help
    }
}
