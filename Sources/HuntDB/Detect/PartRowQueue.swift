import Foundation
import Model

/// The rows of one part of a split rule, handed from the thread that steps its statement to the
/// thread that merges the parts. Holds at most `capacity` rows: the producer waits when it is
/// full, so memory stays bounded however many rows a part returns.
final class PartRowQueue: RowSink, @unchecked Sendable {
    /// The producer was told to stop (the merge failed or ended early).
    struct Stopped: Error {}

    private let capacity: Int
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var rows: [[RowValue]] = []
    private var head = 0
    private var columns: [String]?
    private var finished = false
    private var failure: (any Error)?
    private var stopped = false

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    // MARK: producer

    func begin(columns: [String]) throws {
        condition.lock()
        defer { condition.unlock() }
        self.columns = columns
        condition.broadcast()
    }

    func write(_ row: [RowValue]) throws {
        condition.lock()
        defer { condition.unlock() }
        while rows.count - head >= capacity, !stopped { condition.wait() }
        if stopped { throw Stopped() }
        rows.append(row)
        condition.broadcast()
    }

    func end() throws {}

    /// The part ended: after its last row, or with `error`.
    func finish(_ error: (any Error)? = nil) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        if failure == nil, let error, !(error is Stopped) { failure = error }
        condition.broadcast()
    }

    // MARK: consumer

    /// The part's column names, once its statement has them; nil if it ended without.
    /// - Throws: the part's error.
    func awaitColumns() throws -> [String]? {
        condition.lock()
        defer { condition.unlock() }
        while columns == nil, !finished { condition.wait() }
        if let failure { throw failure }
        return columns
    }

    /// The next row, or nil after the last.
    /// - Throws: the part's error.
    func next() throws -> [RowValue]? {
        condition.lock()
        defer { condition.unlock() }
        while head == rows.count, !finished { condition.wait() }
        if let failure { throw failure }
        guard head < rows.count else { return nil }
        let row = rows[head]
        head += 1
        if head >= capacity {
            rows.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return row
    }

    /// Tells the producer to stop at its next row.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
    }
}
