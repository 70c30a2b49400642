/// How two copies of one record (same host, record key and content) in two time precisions
/// compare: the same record when their times agree at the coarser precision (a time of
/// precision p means "somewhere in [t, t + p)"). Both stores apply it (`SecurityRecordMatch`,
/// `ClickHouseBatchWriter`).
enum PrecisionFold: Equatable {
    /// The same record, and the new copy is no more precise: a duplicate.
    case same
    /// The same record, and the new copy is more precise: the stored row takes its time.
    case refines
    /// Times that disagree at the coarser precision: another record.
    case otherTime

    static func compare(held: (micros: Int64, precision: Int64), new: (micros: Int64, precision: Int64)) -> PrecisionFold {
        let coarser = max(1, held.precision, new.precision)
        guard floor(held.micros, coarser) == floor(new.micros, coarser) else { return .otherTime }
        return new.precision < held.precision ? .refines : .same
    }

    private static func floor(_ micros: Int64, _ precision: Int64) -> Int64 {
        let (q, r) = micros.quotientAndRemainder(dividingBy: precision)
        return r < 0 ? q - 1 : q
    }
}
