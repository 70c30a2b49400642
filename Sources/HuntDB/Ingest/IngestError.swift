import Model

/// Failures that stop reading one input (file-level, not record-level).
public struct IngestError: Error, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
