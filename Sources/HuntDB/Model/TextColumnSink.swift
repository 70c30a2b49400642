/// Receives text columns of an event table with every distinct text once: `text` hands over a
/// text and the number that stands for it, then `row` gives per event only those numbers.
///
/// A scan that looks for words in every event (the Sigma literal screen) then reads each
/// distinct command line or path once, not once per event that repeats it.
public protocol TextColumnSink: AnyObject {
    /// A text and its number, before the first row that uses the number. Numbers are never
    /// negative and increase from call to call. The bytes are valid only during the call.
    func text(_ number: Int, _ bytes: UnsafeRawBufferPointer) throws

    /// One event: its id and, per column asked for (in order), its text's number, or -1 for NULL.
    func row(event: Int64, texts: UnsafeBufferPointer<Int>) throws
}
