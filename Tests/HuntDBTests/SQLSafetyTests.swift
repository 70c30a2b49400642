import Foundation
import XCTest

/// Every value reaches SQL as a bound parameter: no Swift string literal that holds SQL may
/// interpolate anything, except the reviewed cases below.
///
/// The test lexes every `Sources/**/*.swift` file (comments skipped; plain, multi-line and raw
/// string literals, nested interpolations), and flags each literal whose text holds an SQL
/// keyword (SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, PRAGMA, WHERE, upper case as the
/// house style writes SQL) and an interpolation. A new case fails until it is rewritten with
/// `:name` parameters or reviewed into the allowlist; an allowlist entry that no longer occurs
/// fails too, so the list stays exact.
final class SQLSafetyTests: XCTestCase {
    /// "file: interpolated expression" → why it is safe.
    private static let reviewed: [String: String] = [
        "Sources/HuntDB/Store/SQLite/Database+BoundedCache.swift: Self.boundedCacheKibibytes":
            "an integer constant of this file (a pragma takes no bound parameter)",
        "Sources/HuntDB/Store/SQLite/Database+BoundedCache.swift: Self.writerCacheKibibytes":
            "an integer constant of this file (a pragma takes no bound parameter)",
        "Sources/HuntDB/Store/SQLite/SQLiteStore.swift: mode == .readWrite ? Database.writerCacheKibibytes : Database.boundedCacheKibibytes":
            "one of two integer constants of Database+BoundedCache.swift (a pragma takes no bound parameter)",
        "Sources/HuntDB/Store/SQLite/ConnectionContextRefresh.swift: Self.candidate":
            "a constant SQL fragment of this file, with the :services and :incoming parameters",
        "Sources/HuntDB/Store/SQLite/ConnectionContextRefresh.swift: candidate":
            "a constant SQL fragment of this file, with the :services and :incoming parameters",
        "Sources/HuntDB/Store/SQLite/ConnectionContextRefresh.swift: rows":
            "one of two constant row filters written in the loop's literal (new rows past :through, or rows changed in place)",
        "Sources/HuntDB/Store/SQLite/KeptContextCursor.swift: Rows.table":
            "a table name, a constant of each KeptContextRows type",
        "Sources/HuntDB/Store/SQLite/KeptContextCursor.swift: select":
            "the constant SELECT of this initializer, with a constant table name",
        "Sources/HuntDB/Store/SQLite/StoredConnectionContexts.swift: columns":
            "column names, constants of this file",
        "Sources/HuntDB/Store/SQLite/ChildContextRefresh.swift: Self.candidate":
            "a constant SQL fragment of this file, with the :services parameter",
        "Sources/HuntDB/Store/SQLite/ChildContextRefresh.swift: candidate":
            "a constant SQL fragment of this file, with the :services parameter",
        "Sources/HuntDB/Store/SQLite/ChildContextRefresh.swift: rows":
            "one of two constant row filters written in the loop's literal (new rows past :through, or rows changed in place)",
        "Sources/HuntDB/Store/SQLite/ChildContextRefresh.swift: table":
            "a table name from the loop's literal (logons, service_installs)",
        "Sources/HuntDB/Store/SQLite/SourceSideMarking.swift: table":
            "a kept table's name, passed by the two refreshes as a literal (connection_context, child_context)",
        "Sources/HuntDB/Store/SQLite/SourceSideMarking.swift: dirty":
            "a temp table's name, passed by the two refreshes as a literal",
        "Sources/HuntDB/Store/SQLite/SourceSideMarking.swift: rows":
            "one of two constant row filters written in the loop's literal (new rows past :through, or rows changed in place)",
        #"Sources/HuntDB/Store/SQLite/DeferredIndexes.swift: index.name.replacingOccurrences(of: "\"", with: "\"\"")"#:
            "an index name read from sqlite_schema (never from input), quoted as an identifier; DROP INDEX takes no parameters",
        "Sources/HuntDB/Store/SQLite/StatsReport.swift: eventFilter":
            "a static SQL fragment (a compile-time constant with :since/:until/:host parameters)",
        "Sources/HuntDB/Store/SQLite/StatsReport.swift: events":
            "a static SQL fragment (a compile-time constant built from eventFilter)",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+ClickHouse.swift: kind.table":
            "an event table name, a constant of SigmaEventKind",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+ClickHouse.swift: Self.clickHouseScope":
            "the run's scope on ClickHouse, a constant with {since}/{until}/{host} parameters",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+ClickHouse.swift: kindName":
            "'process' or 'network', constants",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+ClickHouse.swift: outer":
            "the alert column names, constants of SigmaAlertLayout",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+ClickHouse.swift: predicate":
            "a Sigma predicate compiled for ClickHouse: constant SQL from SigmaClickHouseSQL with :sN parameters (SigmaSQLSafetyTests checks every SigmaHQ rule in both dialects)",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+ClickHouse.swift: selected":
            "the alert columns, constants of SigmaAlertLayout and SigmaClickHouseSQL",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: SigmaCompiledRule.clickHouseScope":
            "the run's scope on ClickHouse, a constant with {since}/{until}/{host} parameters",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: arms.joined(separator: "\n    UNION ALL\n")"#:
            "one SELECT per base rule of the correlation, each built from the constants below (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound checks the ClickHouse text)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: part.columns.joined(separator: ", ")"#:
            "the event columns: constants of this file, the ClickHouse field map's expressions (SigmaClickHouseSQL, SigmaFieldMap), integer rule positions and g1…gK",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: names.map { $0 + ", " }.joined()"#:
            "the group columns g1…gK and v, names of this file",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: predicate":
            "a Sigma predicate compiled for ClickHouse with its :sN parameters renamed :ch_bI_sN (values bound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: present":
            "`(expr) IS NOT NULL` per group-by expression, expressions of the ClickHouse field map",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: part.table":
            "an event table name, a constant of SigmaEventKind",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: part.filter":
            "the arm's WHERE: the compiled predicate with its :ch_bI_sN parameters, the group presence checks and the run's scope (all reviewed above)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: keys":
            "`CAST(expr AS Nullable(T)) AS gN, ` per group-by: expressions of the ClickHouse field map, names of this file",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation.swift: restriction":
            "empty or the hot-slot condition of SigmaClickHouseCorrelation+HotSlots, with the :k_span and :k_floor parameters",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation+HotSlots.swift: counted":
            "the arms' group columns and times: the same reviewed parts as the events query (SigmaClickHouseCorrelation.swift)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation+HotSlots.swift: floor":
            "the name of the bound parameter :{prefix}k_floor",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation+HotSlots.swift: keys":
            "the group column names g1…gK, names of this file",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaClickHouseCorrelation+HotSlots.swift: slot(of: "ts_us", span: span)"#:
            "floor division of ts_us by the bound parameter :{prefix}k_span",
        "Sources/HuntDB/Store/ClickHouse/LatestStoredTimes.swift: table.rawValue":
            "an event table name, a case of ClickHouseEventRow.Table",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+Detection.swift: kind.table":
            "an event table name, a constant of SigmaEventKind",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+Detection.swift: EventScopeSQL.filter":
            "the run's scope, a constant with :since/:until/:host parameters",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+Detection.swift: candidates":
            "empty or a constant restriction with the :hunt_candidates parameter",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+Detection.swift: kindName":
            "'process' or 'network', constants",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+Detection.swift: predicate":
            "a compiled Sigma predicate: constant SQL from the field map and the compiler with :sN parameters (SigmaSQLSafetyTests checks every SigmaHQ rule)",
        "Sources/HuntDB/Detect/Sigma/SigmaCompiledRule+Detection.swift: selected":
            "the alert columns, constants of SigmaAlertLayout",
        "Sources/HuntDB/Store/SQLite/SQLiteStore+DistinctValues.swift: list":
            "column names checked against pragma_table_info of an event table",
        "Sources/HuntDB/Store/SQLite/SQLiteStore+DistinctValues.swift: name":
            "a temporary table name of lower-case letters and _ only (isPlainName), a constant of DistinctValuesPrefilter",
        "Sources/HuntDB/Store/SQLite/SQLiteStore+DistinctValues.swift: table":
            "processes or network_connections, checked",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseBatchWriter.swift: table.rawValue":
            "an event table name, a case of ClickHouseEventRow.Table",
        #"Sources/HuntDB/Store/ClickHouse/ClickHouseEventRow.swift: (columns + ["link_version"]).joined(separator: ", ")"#:
            "the column names of an event table, constants of ClickHouseEventRow.Table, and link_version",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseEventRow.swift: rawValue":
            "an event table name, a case of ClickHouseEventRow.Table",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseParameterizedSQL.swift: Self.parameterTable":
            "the external table's name, a constant",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseParameterizedSQL.swift: placeholder.name":
            "a parameter's name as the SQL text spells it (letters, digits, _ only, checked by the scanner); its value travels as data",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseSchema.swift: cluster":
            "the cluster name, checked to be a plain identifier (ClickHouseEndpoint.isIdentifier); DDL takes no parameters",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseSchema.swift: name":
            "a table name read from our own migration file's CREATE TABLE (letters, digits, _)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseStatsSQL.swift: sourceState":
            "a static SQL fragment (a compile-time constant)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseStatsSQL.swift: eventFilter":
            "a static SQL fragment (a compile-time constant with {since}/{until}/{host} parameters)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseStatsSQL.swift: events":
            "a static SQL fragment built from the constant kinds list and eventFilter",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseStatsSQL.swift: position":
            "an integer of the constant kinds list",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseStatsSQL.swift: table":
            "an event table name: the constant kinds list, or logons / service_installs at the call",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseRowRewrite.swift: name":
            "an event table name, a constant of ClickHouseEventRow.Table (with `_local` on a cluster)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseRowRewrite.swift: columns.joined(separator: \", \")":
            "the column names of an event table, constants of ClickHouseEventRow.Table, and link_version",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseRowRewrite.swift: values.joined(separator: \", \")":
            "those column names, the replaced ones as `new_` + their constant names (columns of the rewrites table), the version a {version:Int64} parameter",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseRowRewrite.swift: latest":
            "ClickHouseLinkedRows.latest of those constants and a filter of {name:Type} parameters",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseTableRebuild.swift: name":
            "a table name from a migration file (an identifier: letters, digits, _), or it with `_local`",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseTableRebuild.swift: copy":
            "that table name with `__rebuild`",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseTableRebuild.swift: replaced":
            "that table name with `__replaced`",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseTableRebuild.swift: engine":
            "the engine clause of a migration file's REBUILD TABLE statement (embedded in the binary)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseTableRebuild.swift: source":
            "one of those table names (the table, its copy or the replaced one)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseTableRebuild.swift: target":
            "one of those table names (the table, its copy or the replaced one)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseTableRebuild.swift: columns":
            "the table's column names as system.columns lists them (identifiers of the store's own schema)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseLinkedRows.swift: columns":
            "column names, constants at every call (the linker's reads and writer)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseLinkedRows.swift: table":
            "an event table name, a constant at every call (with `_local` on a cluster)",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseLinkedRows.swift: filter":
            "a constant filter at every call, its values {name:Type} parameters",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseStore+Load.swift: names":
            "column names, constants of the store's small tables",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseStore+Load.swift: table":
            "a table name, a constant at every call",
        "Sources/HuntDB/Store/ClickHouse/ClickHouseStore.swift: endpoint.database":
            "the database name, checked to be a plain identifier (ClickHouseEndpoint.isIdentifier); CREATE DATABASE takes no parameters",
        "Sources/HuntDB/Model/ReadOnlyDenial.swift: name":
            "a refusal message for the analyst (PRAGMA name), never executed",
        "Sources/HuntDB/Model/ReadOnlyDenial.swift: value":
            "a refusal message for the analyst (PRAGMA value), never executed",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: EventScopeSQL.filter":
            "the run's scope, a constant with :since/:until/:host parameters",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: aggregate":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: prefiltered ? slotPrefilterFrom(events, span: ":k_span") : "FROM \(events) AS e""#:
            "the base rule's events: a view name (a constant of SigmaEventKind) or SigmaCorrelationEventRows' relation, read whole or through the slot prefilter's needed slots (constant SQL with :k_span)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationEventRows.swift: joins.joined(separator: " ")"#:
            "the narrow rows of a compact table: column names checked against the constant layout of the views (SigmaCorrelationEventRows.processColumns/networkColumns), dictionary table names and the rows table, constants of this file and SigmaEventKind",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationEventRows.swift: wholeTable ? " NOT INDEXED" : """#:
            "a constant of this file: NOT INDEXED or nothing",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationEventRows.swift: kind.rowsTable"#:
            "the narrow rows of a compact table: column names checked against the constant layout of the views (SigmaCorrelationEventRows.processColumns/networkColumns), dictionary table names and the rows table, constants of this file and SigmaEventKind",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationEventRows.swift: selected.joined(separator: ", ")"#:
            "the narrow rows of a compact table: column names checked against the constant layout of the views (SigmaCorrelationEventRows.processColumns/networkColumns), dictionary table names and the rows table, constants of this file and SigmaEventKind",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: $0"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: $0.table"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: bound"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: counts.joined(separator: " + ")"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: first(host: "hg.host_id", from: nil)"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: first(host: "w.host_id", from: "(\(slot) + 1) * \(span)")"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: host"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: least"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: rules"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: slot"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: span"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: start"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+SlotPrefilter.swift: table"#:
            "the slot prefilter: table names that are constants of SigmaEventKind (rowsTable), host/slot column names and :k_span/:k_floor parameter names from its own constants, integer rule counts; the limit is bound as :k_floor",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: columns.joined(separator: ", ")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: index + 1":
            "a group column number (g1…gK), an integer position",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: conditionSQL()":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: events":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: first":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: fromCandidate":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: group":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: groupList":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: inWindow":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: k":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: k + 1":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: last":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: latest.joined(separator: ", ")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: notNull":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: picks.joined(separator: " UNION ALL ")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: predicate":
            "a referenced rule's compiled Sigma predicate (constant SQL with its :sN renamed :bI_sN)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: present":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: rank":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: ruleIDs":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: sameGroup("c", "w")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: sameGroup("i", "j")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: sameGroup("x", "c")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: sameGroup("x", "s")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: span":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: tags":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: type":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: which":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: window":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: x":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: chain":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: end":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: extra":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: members.count + 1":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: previous":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: rule":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: sameGroup("x", "q")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: span":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+PartialChains.swift: times.joined(separator: ", ")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: chains ? ", x.detail AS detail" : """#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: compiled.inputs.count":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: eventJSON("p")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: eventJSON("x")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: from":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: groups":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: maxEvents":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: next":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: order":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL.swift: sql":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: table":
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: time("c.start_us")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        #"Sources/HuntDB/Detect/Sigma/Correlation/SigmaCorrelationSQL+Alerts.swift: time("c.ts_us")"#:
            "correlation SQL from SigmaCorrelationSQL's own constants, group columns g1…gK, integer rule positions and :k_* names; values are bound (SigmaSQLSafetyTests.testSigmaSQLSafety_correlationValuesStayBound)",
        "Sources/hunt/LoadReportPrinter.swift: source.counts.rejected - Int64(source.firstRejects.count)":
            "a message suggesting a hunt sql command to the user, never executed",
        "Sources/hunt/LoadReportPrinter.swift: source.sourceID ?? 0":
            "a message suggesting a hunt sql command to the user (an integer id), never executed",
    ]

    private static let keyword = try! NSRegularExpression(pattern: #"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|PRAGMA|WHERE)\b"#)

    func testSQLSafety_noValueIsInterpolatedIntoSQL() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let sources = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(atPath: sources.path) else { return XCTFail("cannot list \(sources.path)") }
        var found: [String: [Int]] = [:]
        var files = 0, literals = 0
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            files += 1
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            for literal in SwiftLiterals.scan(text) {
                literals += 1
                let range = NSRange(literal.text.startIndex..., in: literal.text)
                guard !literal.interpolations.isEmpty, Self.keyword.firstMatch(in: literal.text, range: range) != nil else { continue }
                for expression in literal.interpolations {
                    found["Sources/\(relative): \(expression)", default: []].append(literal.line)
                }
            }
        }
        XCTAssertGreaterThan(files, 50)
        for (key, lines) in found.sorted(by: { $0.key < $1.key }) where Self.reviewed[key] == nil {
            XCTFail("\(key) (line \(lines.map(String.init).joined(separator: ", "))): a value is interpolated into SQL text; bind it as a :name parameter")
        }
        for key in Self.reviewed.keys.sorted() where found[key] == nil {
            XCTFail("\(key): reviewed as safe but no longer found; remove it from the allowlist")
        }
        print("sql safety: \(files) files, \(literals) string literals, \(found.count) interpolations into SQL-like text, all reviewed")
    }

    /// The lexer itself: interpolations in every literal form are found, comments are not code.
    func testSQLSafety_lexerFindsEveryLiteralForm() {
        let source = ##"""
            // "SELECT \(commented)"
            /* "DELETE \(blockComment)" /* nested */ */
            let a = "SELECT * FROM t WHERE x = \(value)"
            let b = """
                UPDATE t
                SET y = \(other("nested \(deep)"))
                """
            let c = #"DROP TABLE \#(name) \(notInterpolated)"#
            let d = "plain \"quoted\" text"
            """##
        let literals = SwiftLiterals.scan(source)
        XCTAssertEqual(literals.map(\.interpolations), [["value"], [#"other("nested \(deep)")"#], ["deep"], ["name"], []])
        XCTAssertEqual(literals.map(\.line), [3, 4, 6, 8, 9])
    }
}

/// A small lexer for Swift string literals, enough to find interpolations.
enum SwiftLiterals {
    struct Literal {
        /// The literal's text, each interpolation replaced by `?`.
        var text: String
        /// The source text of each interpolated expression.
        var interpolations: [String]
        /// The line the literal starts on (1-based).
        var line: Int
    }

    static func scan(_ source: String) -> [Literal] {
        var lexer = Lexer(bytes: Array(source.utf8))
        lexer.run()
        return lexer.literals
    }

    private struct Lexer {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var literals: [Literal] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        func at(_ offset: Int) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }

        mutating func advance(_ n: Int = 1) {
            for _ in 0..<n where i < bytes.count {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
        }

        /// Scans code until the end (or, inside an interpolation, until its closing parenthesis).
        mutating func run(untilClosingParenthesis: Bool = false) {
            var depth = 0
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "/"), at(1) == UInt8(ascii: "/") {
                    while i < bytes.count, bytes[i] != 0x0A { advance() }
                } else if c == UInt8(ascii: "/"), at(1) == UInt8(ascii: "*") {
                    var nesting = 0
                    repeat {
                        if at(0) == UInt8(ascii: "/"), at(1) == UInt8(ascii: "*") { nesting += 1; advance(2) }
                        else if at(0) == UInt8(ascii: "*"), at(1) == UInt8(ascii: "/") { nesting -= 1; advance(2) }
                        else { advance() }
                    } while nesting > 0 && i < bytes.count
                } else if c == UInt8(ascii: "#") || c == UInt8(ascii: "\"") {
                    var hashes = 0
                    while at(hashes) == UInt8(ascii: "#") { hashes += 1 }
                    if at(hashes) == UInt8(ascii: "\"") {
                        advance(hashes)
                        literal(hashes: hashes)
                    } else {
                        advance(max(hashes, 1))
                    }
                } else if untilClosingParenthesis, c == UInt8(ascii: "(") {
                    depth += 1
                    advance()
                } else if untilClosingParenthesis, c == UInt8(ascii: ")") {
                    if depth == 0 { return }
                    depth -= 1
                    advance()
                } else {
                    advance()
                }
            }
        }

        /// Lexes a literal starting at its opening quote(s), after `hashes` `#`s.
        mutating func literal(hashes: Int) {
            let startLine = line
            let multiLine = at(1) == UInt8(ascii: "\"") && at(2) == UInt8(ascii: "\"")
            let quotes = multiLine ? 3 : 1
            advance(quotes)
            let index = literals.count
            literals.append(Literal(text: "", interpolations: [], line: startLine))
            var text: [UInt8] = []
            var interpolations: [String] = []
            func closes(_ lexer: Lexer) -> Bool {
                for k in 0..<quotes where lexer.at(k) != UInt8(ascii: "\"") { return false }
                for k in 0..<hashes where lexer.at(quotes + k) != UInt8(ascii: "#") { return false }
                return true
            }
            while i < bytes.count {
                if closes(self) { advance(quotes + hashes); break }
                if bytes[i] == UInt8(ascii: "\\"), (0..<hashes).allSatisfy({ at(1 + $0) == UInt8(ascii: "#") }) {
                    if at(1 + hashes) == UInt8(ascii: "(") {
                        advance(2 + hashes)
                        let start = i
                        run(untilClosingParenthesis: true)
                        interpolations.append(String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self))
                        text.append(UInt8(ascii: "?"))
                        advance()  // the closing parenthesis
                    } else {
                        text.append(contentsOf: bytes[i..<min(i + 2 + hashes, bytes.count)])
                        advance(2 + hashes)
                    }
                    continue
                }
                if !multiLine, bytes[i] == 0x0A { break }  // unterminated: stop at the line's end
                text.append(bytes[i])
                advance()
            }
            literals[index].text = String(decoding: text, as: UTF8.self)
            literals[index].interpolations = interpolations
        }
    }
}
