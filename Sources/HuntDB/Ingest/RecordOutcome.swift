/// One record's result with where it was found in its source.
struct RecordOutcome {
    /// Line number (NDJSON) or record number (everything else).
    var number: Int64
    /// Byte offset in the (decompressed) stream.
    var offset: Int64
    var result: NormalizeResult
    /// The start of the record, kept for rejects only.
    var excerpt: String = ""
}
