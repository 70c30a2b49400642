import Foundation
import Model
@testable import Store
import XCTest

/// Values reach ClickHouse as data, never as SQL text, in both mechanisms: an external table
/// (servers before 19.11, such as Debian's 18.16) and query parameters (newer servers).
final class ClickHouseParameterTests: XCTestCase {
    private let hostile = "x') OR 1=1; DROP TABLE processes --"

    func testClickHouseParameters_valuesTravelAsAnExternalTableOnOldServers() throws {
        let sql = ClickHouseParameterizedSQL("SELECT * FROM processes WHERE host = {host:String} AND pid = :pid AND name = ':not' -- :no\n")
        XCTAssertEqual(sql.parameterNames, ["host", "pid"])
        let rendered = try sql.render(["host": .text(hostile), "pid": .integer(4)], nativeParameters: false)
        XCTAssertEqual(rendered.sql, "SELECT * FROM processes WHERE host = (SELECT host FROM hunt_params) AND pid = (SELECT pid FROM hunt_params) AND name = ':not' -- :no\n")
        XCTAssertFalse(rendered.sql.contains("DROP"))
        XCTAssertEqual(rendered.tables.first?.structure, "host String, pid Int64")
        XCTAssertEqual(String(decoding: rendered.tables.first?.data ?? Data(), as: UTF8.self), hostile + "\t4\n")
        XCTAssertTrue(rendered.urlParameters.isEmpty)
    }

    func testClickHouseParameters_valuesTravelAsQueryParametersOnNewServers() throws {
        let sql = ClickHouseParameterizedSQL("SELECT {since:Nullable(Int64)} AS a, :note AS b")
        let rendered = try sql.render(["since": .null, "note": .text("tab\there")], nativeParameters: true)
        XCTAssertEqual(rendered.sql, "SELECT {since:Nullable(Int64)} AS a, {note:String} AS b")
        XCTAssertEqual(rendered.urlParameters, ["param_since": "\\N", "param_note": "tab\\there"])
        XCTAssertTrue(rendered.tables.isEmpty)
    }

    func testClickHouseParameters_missingValueIsNamed() {
        XCTAssertThrowsError(try ClickHouseParameterizedSQL("SELECT :x").render([:], nativeParameters: false)) { error in
            XCTAssertEqual("\(error)", "\(QueryError.missingParameter(name: "x", help: nil))")
        }
    }

    func testClickHouseEndpoint_credentialsNeverShow() throws {
        let endpoint = try ClickHouseEndpoint("clickhouse://hunter:s3cret@db.example:8124/case_7?cluster=fleet", environment: [:])
        XCTAssertEqual(endpoint.description, "clickhouse://db.example:8124/case_7?cluster=fleet")
        XCTAssertEqual(endpoint.user, "hunter")
        XCTAssertEqual(endpoint.password, "s3cret")
        let fromEnvironment = try ClickHouseEndpoint("clickhouse://db.example/case_7",
                                                     environment: ["HUNT_CLICKHOUSE_USER": "u", "HUNT_CLICKHOUSE_PASSWORD": "p"])
        XCTAssertEqual(fromEnvironment.port, 8123)
        XCTAssertEqual(fromEnvironment.user, "u")
        XCTAssertThrowsError(try ClickHouseEndpoint("clickhouse://u:s3cret@h/bad-name;DROP", environment: [:])) { error in
            XCTAssertFalse("\(error)".contains("s3cret"), "\(error)")
            XCTAssertTrue("\(error)".contains("not a plain identifier"), "\(error)")
        }
    }
}
