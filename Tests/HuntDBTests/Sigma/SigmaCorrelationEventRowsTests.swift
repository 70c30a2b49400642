import Foundation
import XCTest
import HuntDB
@testable import Detect
@testable import Store
@testable import Generate

/// A correlation's base reads narrow rows of the compact tables instead of the views
/// (SigmaCorrelationEventRows): every column it knows must equal the view's, row for row, and
/// it must know exactly the view's columns (a column added to a view is read through the view
/// until it is added here; a column spelled differently fails here).
final class SigmaCorrelationEventRowsTests: XCTestCase {
    func testEventRows_everyColumnEqualsTheViewsOnALoadedStore() throws {
        let scratch = try Scratch()
        // ECS and flat Sysmon: Sysmon-only and ECS-only columns both hold values.
        var stores: [SQLiteStore] = []
        for dialect in [CorpusDialect.sysmonFlat, .ecs] {
            let corpus = try scratch.generate(dialect, options: GenerateFixture.options(events: 3_000, hosts: 5, seed: 4, planted: 2),
                                              name: "corpus.\(dialect.rawValue)")
            let (store, report) = try scratch.load([corpus.path], db: "\(dialect.rawValue).db")
            XCTAssertEqual(report.totals.rejected, 0)
            stores.append(store)
        }
        for store in stores {
            for kind in [SigmaEventKind.process, .network] {
                let layout = kind == .process ? SigmaCorrelationEventRows.processColumns : SigmaCorrelationEventRows.networkColumns
                let viewColumns = try store.rows("SELECT name FROM pragma_table_info('\(kind.table)')").compactMap { row -> String? in
                    if case .text(let name) = row[0] { return name } else { return nil }
                }
                XCTAssertEqual(Set(layout.keys), Set(viewColumns), "\(kind.table): the narrow rows know every column of the view")
                let all = try XCTUnwrap(SigmaCorrelationEventRows.relation(kind, columns: Array(layout.keys)))
                let total = try store.rows("SELECT count(*) FROM \(kind.table)")
                XCTAssertEqual(try store.rows("SELECT count(*) FROM \(all)"), total, "\(kind.table): as many rows")
                XCTAssertNotEqual(total.first?.first, .integer(0))
                for column in layout.keys.sorted() {
                    // Each column alone too: the relation of one column joins only its dictionary.
                    for relation in [all, try XCTUnwrap(SigmaCorrelationEventRows.relation(kind, columns: [column]))] {
                        for (a, b) in [(kind.table, relation), (relation, kind.table)] {
                            let differing = try store.rows("""
                                SELECT count(*) FROM (SELECT event_id, \(column), typeof(\(column)) FROM \(a)
                                                      EXCEPT SELECT event_id, \(column), typeof(\(column)) FROM \(b))
                                """)
                            XCTAssertEqual(differing.first?.first, .integer(0), "\(kind.table).\(column)")
                        }
                    }
                    let held = try store.rows("SELECT count(*) FROM \(kind.table) WHERE \(column) IS NOT NULL")
                    if column == "executable" || column == "entity_id" { XCTAssertNotEqual(held.first?.first, .integer(0), column) }
                }
                // Case-insensitive names compare as the view's do.
                if kind == .process {
                    let view = try store.rows("SELECT count(*) FROM processes WHERE name = 'CMD.EXE'")
                    let narrow = try store.rows("SELECT count(*) FROM \(all) AS e WHERE e.name = 'CMD.EXE'")
                    XCTAssertEqual(view, narrow)
                }
            }
        }
        XCTAssertNil(SigmaCorrelationEventRows.relation(.network, columns: ["command_line"]), "not a network column: the view is read")
    }

    func testEventRows_theColumnsSQLNamesInTheirOrder() {
        XCTAssertEqual(SigmaCorrelationEventRows.columns(readBy: ["(e.parent_executable LIKE :s1 AND NOT e.executable = :s2) OR e.parent_executable IS NULL",
                                                                  "h.name", "e.entity_id"]),
                       ["parent_executable", "executable", "entity_id"])
    }

    func testEntityGroups_processGuidGroupsAreEntityKeysExceptForAnOuterCorrelation() throws {
        let body = "type: temporal_ordered\nrules:\n    - smb\n    - cmd\ngroup-by:\n    - Computer\n    - instance\n"
            + "aliases:\n    instance:\n        smb: ProcessGuid\n        cmd: ParentProcessGuid\ntimespan: 10s"
        let set = SigmaCorrelationHarness.set(SigmaCorrelationHarness.correlation(body) + "\n---\n" + SigmaCorrelationHarness.baseRules)
        let sql = try XCTUnwrap(set.correlations.first).query().sql
        XCTAssertTrue(sql.contains("e.entity_ref AS g2") && sql.contains("e.parent_entity_ref AS g2"), "grouped by the entities' keys")
        XCTAssertTrue(sql.contains("h.name AS g1"), "the host stays a text")
        XCTAssertTrue(sql.contains("(SELECT t.value FROM entities AS t WHERE t.entity_ref = c.g2)"), "the alert spells the GUID")
        // As the events of another correlation, its group values stay texts.
        let (inner, _) = try XCTUnwrap(set.correlations.first).inputQuery(prefix: "n0_")
        XCTAssertFalse(inner.contains("entity_ref AS g2"))
        XCTAssertTrue(inner.contains("e.entity_id AS g2"))
    }
}
