import Foundation
import Testing
import HuntDB
@testable import Store
import Schema
import Queries

/// Schema, migrations and query files: checked with Swift Testing.
@Suite struct SchemaTests {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func embeddedMigrationsMatchTheMigrationsFolderInOrder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("migrations/sql").path)
            .filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
        #expect(Migration.embedded.map(\.id) == files)
        #expect(Migration.embedded.map(\.id) == Migration.embedded.map(\.id).sorted())
        for migration in Migration.embedded {
            let onDisk = try String(contentsOf: repository.appendingPathComponent("migrations/sql/\(migration.id).sql"), encoding: .utf8)
            #expect(onDisk == migration.sql, "embedded \(migration.id) differs from the file")
        }
    }

    @Test func migrationsApplyOnceAndAreRecorded() throws {
        let scratch = try Scratch()
        _ = try scratch.store()
        let again = try scratch.store()
        #expect(try again.column("SELECT id FROM schema_migrations ORDER BY id") == Migration.embedded.map(\.id))
        #expect(try MigrationRunner().migrate(again.database).isEmpty)
    }

    @Test func aDatabaseFromANewerSchemaIsRefusedWithAClearMessage() throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        try store.database.execute("INSERT INTO schema_migrations (id, applied_at_us) VALUES ('m9999_from_the_future', 0)", purpose: "test")
        for access in [StoreAccess.readWrite, .readOnly] {
            #expect {
                _ = try SQLiteStore(path: scratch.path("test.db"), access: access)
            } throws: { error in
                "\(error)".contains("written by a newer version of hunt") && "\(error)".contains("m9999_from_the_future")
            }
        }
    }

    @Test func nonDatabaseFilesAndMissingFilesAreClearErrors() throws {
        let scratch = try Scratch()
        let text = try scratch.write("notes.db", text: String(repeating: "not sqlite ", count: 100))
        #expect { _ = try SQLiteStore(path: text) } throws: { "\($0)".contains("Cannot open \(text) as an SQLite database") }
        #expect { _ = try SQLiteStore(path: scratch.path("absent.db"), access: .readOnly) } throws: { "\($0)".contains("No database at") }
        #expect(FileManager.default.fileExists(atPath: scratch.path("absent.db")) == false)
    }

    @Test func everyRuleHeaderParsesAndEveryDeclaredParameterIsUsed() throws {
        let rules = try RuleCatalog.builtIn().rules
        #expect(rules.map(\.id) == ["remote_service_rpc", "rpc_service_process", "rpc_service_network"])
        let scratch = try Scratch()
        let store = try scratch.store()
        for rule in rules {
            #expect(!rule.query.attack.isEmpty && !rule.query.description.isEmpty && rule.query.severity != nil)
            let statement = try store.database.prepare(rule.query.sql, purpose: "checking \(rule.id)")
            let used = Set(statement.parameterNames.map { String($0.dropFirst()) })
            let declared = Set(rule.query.parameters.map(\.name))
            #expect(used == declared, "\(rule.id): SQL uses \(used.sorted()), header declares \(declared.sorted())")
        }
    }

    /// The temporal join must stay index-driven: a schema change must not turn it into a scan.
    @Test(arguments: ["remote_service_rpc", "rpc_service_process", "rpc_service_network"])
    func queryPlanUsesIndexesNotFullScans(ruleID: String) throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        let rule = try #require(try RuleCatalog.builtIn().rules.first { $0.id == ruleID })
        let statement = try store.database.prepare("EXPLAIN QUERY PLAN " + rule.query.sql, purpose: "plan")
        let values = try DetectionEngine(store: store, allowlist: Allowlist()).parameterValues(of: rule, options: DetectionOptions())
        for (name, value) in values {
            if let index = statement.parameterIndex(name) { try statement.bind(value, at: index) }
        }
        var plan: [String] = []
        while try statement.step() { plan.append(statement.text(3) ?? "") }
        // Base tables are aliased p, c (processes) and n (network_connections) in every rule:
        // none may be scanned whole; hosts (tiny) and materialized subqueries may.
        let scans = plan.filter { ["SCAN p", "SCAN c", "SCAN n"].contains($0) || $0.hasPrefix("SCAN processes") || $0.hasPrefix("SCAN network") }
        #expect(scans.isEmpty, "full scans in \(ruleID): \(plan)")
        let processIndex = plan.contains { $0.contains("USING INDEX processes_by") }
        let networkIndex = plan.contains { $0.contains("USING INDEX network_by") }
        // A time range searched on one side only is a join that grows with the square of the data.
        let halfOpen = plan.filter { $0.contains("ts_us>?") != $0.contains("ts_us<?") && $0.hasPrefix("SEARCH") && $0.contains("ts_us") && !$0.contains("parent_name=?") }
        #expect(halfOpen.isEmpty, "one-sided time ranges in \(ruleID): \(plan)")
        #expect(!plan.contains { $0.contains("processes_by_parent_name (parent_name=? AND ts_us>?)") }, "\(plan)")
        switch ruleID {
        case "remote_service_rpc": #expect(processIndex && networkIndex, "both steps through indexes: \(plan)")
        case "rpc_service_process": #expect(processIndex, "\(plan)")
        default: #expect(networkIndex, "\(plan)")
        }
    }

    @Test func defaultAllowlistParsesWithEveryElasticExclusion() throws {
        let list = try Allowlist.builtIn()
        #expect(list.entries.count == 27)
        #expect(list.entries.allSatisfy { !$0.reason.isEmpty })
    }
}
