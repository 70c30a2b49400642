import Foundation
import Store

/// The events a correlation's `base` reads, as narrow rows of the compact store: the table under
/// the kind's view (`process_rows`, `network_rows`, migration m0009) with only the view columns
/// the base rule's SQL names, each looked up in its dictionary.
///
/// Reading through the view costs a dictionary lookup per row for every column SQLite cannot
/// prove unused (and always one in `entities`, an inner join): on the 2M corpus the
/// services.exe-child rule read 851k process starts in 4.7 s through `processes`, 1.5 s this
/// way. A column is spelled here exactly as the views spell it (m0009). Every lookup is a LEFT
/// JOIN, in a fixed order: the view's one inner join (`entities` for `entity_id`) never drops a
/// row, since the writer stores a row's entity before the row.
/// `SigmaCorrelationEventRowsTests` compares every column with the view's on a loaded store.
enum SigmaCorrelationEventRows {
    /// The relation (to be aliased `e`) giving `columns` of the kind's events, or nil when one of
    /// them is not a column of its view (the caller then reads the view). Lookups are made in
    /// the order of `columns` (the order the rule's SQL first names them: its leading test is
    /// usually the one that rejects most rows) and entity lookups last, since SQLite tests a
    /// predicate right after the last lookup it reads: a row the rule rejects on its first
    /// column costs one lookup. `wholeTable`: read in table order (`NOT INDEXED`); otherwise
    /// SQLite may pick an index for an integer test of the rule (`SourcePort|gte: 49152` on
    /// `network_by_source_port`, m0008–m0011) that holds most rows and then visit them in index order: at
    /// 10M the step-A rule read 5.75M connections in 40.7 s that way, 4.1 s in table order.
    static func relation(_ kind: SigmaEventKind, columns: [String], wholeTable: Bool = true) -> String? {
        let layout = kind == .process ? processColumns : networkColumns
        var selected: [String] = []
        var joins: [String] = []
        var wanted = ["event_id", "host_id", "ts_us"]
        for column in columns where !wanted.contains(column) { wanted.append(column) }
        for column in wanted.filter({ !$0.hasSuffix("entity_id") }) + wanted.filter({ $0.hasSuffix("entity_id") }) {
            guard let source = layout[column] ?? (keyColumns(kind).contains(column) ? .row : nil) else { return nil }
            switch source {
            case .row:
                selected.append("ev.\(column) AS \(column)")
            case .sourceKind:
                selected.append("CASE ev.source_kind WHEN 0 THEN 'sysmon' WHEN 1 THEN 'security' WHEN 2 THEN 'ecs' END AS source_kind")
            case .dictionary(let table, let key, let reference):
                selected.append("t_\(column).value AS \(column)")
                joins.append("LEFT JOIN \(table) AS t_\(column) ON t_\(column).\(key) = ev.\(reference)")
            }
        }
        return "(SELECT \(selected.joined(separator: ", ")) FROM \(kind.rowsTable) AS ev\(wholeTable ? " NOT INDEXED" : "") \(joins.joined(separator: " ")))"
    }

    /// The entity key columns of the kind's table, which the views do not show
    /// (`SigmaCorrelationSQL+EntityGroups` groups by them).
    static func keyColumns(_ kind: SigmaEventKind) -> Set<String> {
        kind == .process ? ["entity_ref", "parent_entity_ref"] : ["entity_ref"]
    }

    /// The view columns `e.name` that SQL text reads, in the order of their first mention.
    static func columns(readBy sql: [String]) -> [String] {
        var found: [String] = []
        for text in sql {
            let range = NSRange(text.startIndex..., in: text)
            for match in columnReference.matches(in: text, range: range) {
                guard let name = Range(match.range(at: 1), in: text).map({ String(text[$0]) }) else { continue }
                if !found.contains(name) { found.append(name) }
            }
        }
        return found
    }

    private static let columnReference = try! NSRegularExpression(pattern: #"\be\.([a-z_][a-z0-9_]*)\b"#)

    /// Where a view column comes from.
    enum Source {
        case row
        case sourceKind
        /// `table.value` where `table.key` = the row's `reference`.
        case dictionary(table: String, key: String, reference: String)
    }

    /// Every interned column of `view`, read from its dictionary as the view reads it.
    private static func interned(_ view: String) -> [String: Source] {
        Dictionary(uniqueKeysWithValues: InternedColumns.columns(of: view).compactMap { column in
            InternedColumns.dictionary(of: column, in: view).map {
                (column, Source.dictionary(table: $0.rawValue, key: $0.key, reference: InternedColumns.reference(of: column)))
            }
        })
    }

    private static let common: [String: Source] = [
        "event_id": .row, "host_id": .row, "ts_us": .row, "record_key": .row, "content_key": .row, "source_id": .row,
        "source_record": .row, "pid": .row, "ts_precision_us": .row, "source_kind": .sourceKind,
        "entity_id": .dictionary(table: "entities", key: "entity_ref", reference: "entity_ref"),
    ]

    static let processColumns: [String: Source] = common
        .merging(["parent_pid": .row, "terminal_session_id": .row,
                  "parent_entity_id": .dictionary(table: "entities", key: "entity_ref", reference: "parent_entity_ref")]) { a, _ in a }
        .merging(interned("processes")) { a, _ in a }

    static let networkColumns: [String: Source] = common
        .merging(["source_port": .row, "destination_port": .row]) { a, _ in a }
        .merging(interned("network_connections")) { a, _ in a }
}
