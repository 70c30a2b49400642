import Model

/// Failures that stop reading one input (file-level, not record-level).
public struct IngestError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    /// The input opened but is in no format we read and shows no sign of holding events: a
    /// file met in a folder (a README, a license) is then skipped, not failed.
    var isNotAnEventLog = false

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
