/// A fatal problem that stops reading or writing an EVTX file: not an EVTX file, an unreadable
/// header, an input or output failure, or an event that cannot be written.
public struct EVTXError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A whole sentence describing the problem.
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One item delivered by `EVTXReader`, in file order.
public enum EVTXItem: Sendable, Equatable {
    /// A decoded record. `number` is the 1-based ordinal of the event among the events delivered
    /// from this file; `offset` is the byte offset of the record in the file.
    case event(WindowsEvent, number: Int64, offset: Int64)
    /// A chunk or record that was skipped (or a region that could not be trusted), with a
    /// one-sentence reason naming the chunk or record and its file offset.
    case damaged(offset: Int64, reason: String)
    /// A problem that lost nothing (see `EVTXNote`); it precedes the records it is about.
    case note(EVTXNote)
}

/// An internal decoding failure of one record or structure; turned into a `.damaged` reason.
package struct EVTXDecodeFailure: Error {
    package var reason: String
    package init(_ reason: String) { self.reason = reason }
}
