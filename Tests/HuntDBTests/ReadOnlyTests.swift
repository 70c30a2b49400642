import CSQLite
import Foundation
import XCTest
import HuntDB
@testable import Store

/// The read-only guard: SQLite's authorizer, extension loading off, defensive mode on.
final class ReadOnlyTests: XCTestCase {
    private var directory: URL!
    private var path: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("readonly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("case.db").path
        let store = try SQLiteStore(path: path)
        try store.database.execute("INSERT INTO hosts (host_key, name) VALUES ('ws1', 'WS1')", purpose: "adding a host")
        try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)", purpose: "checkpointing")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func restricted(_ access: StoreAccess = .readOnly) throws -> SQLiteStore {
        let store = try SQLiteStore(path: path, access: access)
        try store.database.restrictToReading()
        return store
    }

    private func refusal(_ sql: String, on store: SQLiteStore) -> QueryError? {
        do {
            _ = try store.prepareAnalystQuery(sql, purpose: "testing")
            return nil
        } catch let error as QueryError {
            return error
        } catch {
            XCTFail("\(sql): \(error)")
            return nil
        }
    }

    func testReadOnly_EachKindOfWriteIsRefused() throws {
        let store = try restricted()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let cases: [(String, QueryError)] = [
            ("INSERT INTO hosts (host_key, name) VALUES ('x', 'x')", .refused(.write("INSERT"))),
            ("UPDATE hosts SET name = 'x'", .refused(.write("UPDATE"))),
            ("DELETE FROM hosts", .refused(.write("DELETE"))),
            ("DROP TABLE hosts", .refused(.write("DROP"))),
            ("CREATE TABLE t (a)", .refused(.write("CREATE"))),
            ("ATTACH DATABASE ':memory:' AS other", .refused(.attach("ATTACH"))),
            ("PRAGMA writable_schema = ON", .refused(.pragma(name: "writable_schema", value: "ON"))),
            ("PRAGMA writable_schema", .refused(.pragma(name: "writable_schema", value: nil))),
            ("SELECT load_extension('x')", .refused(.extensionLoading)),
            ("SAVEPOINT s", .refused(.transaction)),
            ("VACUUM", .notReadOnly(keyword: "VACUUM")),
            ("SELECT 1; DROP TABLE hosts", .secondStatement("DROP TABLE hosts")),
            ("-- nothing\n;", .empty),
            ("SELECT ?1", .positionalParameter("?1")),
        ]
        for (sql, expected) in cases {
            XCTAssertEqual(refusal(sql, on: store), expected, sql)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        XCTAssertEqual(try store.database.scalarInt("SELECT count(*) FROM hosts", purpose: "counting"), 1)
    }

    /// The authorizer holds on its own, even on a connection opened for writing.
    func testReadOnly_AuthorizerRefusesOnAReadWriteConnection() throws {
        let store = try restricted(.readWrite)
        XCTAssertEqual(refusal("DELETE FROM hosts", on: store), .refused(.write("DELETE")))
        XCTAssertThrowsError(try store.database.execute("DELETE FROM hosts", purpose: "deleting")) { error in
            XCTAssertTrue((error as? DatabaseError)?.isNotAuthorized == true, "\(error)")
        }
        XCTAssertEqual(store.database.takeReadOnlyDenial(), .write("DELETE"))
        XCTAssertEqual(try store.database.scalarInt("SELECT count(*) FROM hosts", purpose: "counting"), 1)
    }

    func testReadOnly_DefensiveOnAndExtensionsOff() throws {
        let store = try restricted()
        XCTAssertTrue(try store.database.databaseConfig(SQLITE_DBCONFIG_DEFENSIVE))
        XCTAssertFalse(try store.database.databaseConfig(SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION))
    }

    func testReadOnly_ReadsStillWork() throws {
        let store = try restricted()
        for sql in ["SELECT name FROM hosts", "PRAGMA table_info(hosts)", "PRAGMA integrity_check",
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3) SELECT x FROM c",
                    "SELECT json_extract('{\"a\":1}', '$.a') /* trailing */ ; -- comment"] {
            XCTAssertNil(refusal(sql, on: store), sql)
        }
    }

    func testReadOnly_BindChecksParameterNames() throws {
        let store = try restricted()
        let query = try store.prepareAnalystQuery("SELECT :a, @b, :a", purpose: "testing")
        XCTAssertEqual(query.parameterNames, ["a", "b"])
        XCTAssertThrowsError(try query.bind(["a": .integer(1)], help: [:])) {
            XCTAssertEqual($0 as? QueryError, .missingParameter(name: "b", help: nil))
        }
        XCTAssertThrowsError(try query.bind(["a": .integer(1), "b": .null, "c": .null], help: [:])) {
            XCTAssertEqual($0 as? QueryError, .unknownParameter(name: "c", known: ["a", "b"]))
        }
        XCTAssertNoThrow(try query.bind(["a": .integer(1), "b": .text("x")], help: [:]))
    }
}
