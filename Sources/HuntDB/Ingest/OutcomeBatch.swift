import Model

/// The reading thread's batch of outcomes, filled over a written batch that came back from the
/// writer: each new outcome replaces an old one in place, so the old event's strings are freed
/// just before the new event's are made, and glibc's per-thread cache hands the same blocks back
/// (freeing a batch of 4,096 events at once, ~100,000 blocks, sent every later allocation
/// through malloc's slow path). The batch's array is reused too.
struct OutcomeBatch {
    private var records: [RecordOutcome] = []
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        records.reserveCapacity(capacity)
    }

    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count >= capacity }

    /// Adds `outcome` and seals its content key in place (the outcome is moved in: no copy of
    /// the event, no retain and release of its texts).
    mutating func add(_ outcome: consuming RecordOutcome) {
        if count < records.count {
            records[count] = outcome
        } else {
            records.append(outcome)
        }
        records[count].sealContentKey()
        count += 1
    }

    /// The outcomes added, handed over; the batch starts again, over `written` when given.
    mutating func take(startingOver written: [RecordOutcome]?) -> [RecordOutcome] {
        var full = records
        records = written ?? []
        if full.count > count { full.removeSubrange(count...) }
        count = 0
        if records.isEmpty { records.reserveCapacity(capacity) }
        return full
    }
}
