/// One input as the loader opens it, once: opened and sniffed, or the reason it cannot be read.
enum InputOpening {
    case opened(OpenedInput)
    case failed(IngestError)

    /// Opens `item` (unless expanding it already failed) and sniffs its format.
    /// - Throws: only errors that are not about the input; an `IngestError` becomes `.failed`.
    init(_ item: InputExpansion.Item, forcedFormat: InputFormat) throws {
        if let problem = item.problem {
            self = .failed(IngestError(path: item.path, problem))
            return
        }
        do {
            self = .opened(try OpenedInput(path: item.path, forcedFormat: forcedFormat))
        } catch let error as IngestError {
            self = .failed(error)
        }
    }

    /// Whether the input opened but is in no format we read (only with automatic detection).
    var isUnrecognized: Bool {
        guard case .failed(let error) = self else { return false }
        return OpenedInput.isUnknownFormat(error)
    }

    /// The opened input.
    /// - Throws: the `IngestError` that kept it from opening.
    func get() throws -> OpenedInput {
        switch self {
        case .opened(let input): return input
        case .failed(let error): throw error
        }
    }
}
