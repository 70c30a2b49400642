/// A problem found in an EVTX file that cost no record: a checksum that does not match over
/// records that were read anyway, records carved from a chunk whose header cannot be trusted, a
/// record read without its trailing size copy. Lost records are `EVTXItem.damaged` instead.
public struct EVTXNote: Sendable, Equatable {
    /// The file offset of the chunk (or of the file header) the note is about.
    public var offset: Int64
    /// How many records were read where the problem is (0 for the file header).
    public var records: Int
    /// Whether those records were carved by their record signature rather than walked from the
    /// chunk header.
    public var carved: Bool
    /// One sentence naming the chunk and its file offset, e.g.
    /// `chunk 3 at offset 0x34000: header checksum mismatch; 128 records read`.
    public var text: String

    public init(offset: Int64, records: Int = 0, carved: Bool = false, text: String) {
        self.offset = offset
        self.records = records
        self.carved = carved
        self.text = text
    }
}
