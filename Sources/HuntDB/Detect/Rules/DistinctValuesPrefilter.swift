/// Decides on the distinct values of a few columns whether a rule can match at all.
///
/// Event values repeat enormously (the same command lines, images and parents on every host):
/// a rule whose predicate reads only these columns matches some event exactly when it matches
/// some distinct combination of them. `DetectionRun` materializes the combinations once per
/// table (`EventStore.createDistinctValues`) and runs `sql` on them; only rules that match
/// there run their full query over the events, so the result is exactly the same.
public struct DistinctValuesPrefilter: Sendable, Equatable {
    /// The event table (`processes`, `network_connections`).
    public let table: String
    /// The columns the combinations hold (the same for every rule of the table).
    public let columns: [String]
    /// `SELECT 1 FROM <distinct values> AS e WHERE … LIMIT 1` with the rule's parameters;
    /// `{values}` stands for the temporary table's name.
    public let sql: String

    public init(table: String, columns: [String], sql: String) {
        self.table = table
        self.columns = columns
        self.sql = sql
    }

    /// The temporary table of a table's combinations.
    public static func valuesTable(for table: String) -> String { "hunt_distinct_" + table }
}
