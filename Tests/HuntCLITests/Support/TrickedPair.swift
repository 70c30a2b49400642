import Foundation
import XCTest

/// The minimal alerting pair of `Events` (an incoming RPC connection to services.exe, then
/// cmd.exe as its child 578 ms later) in the shapes the hostile-reader tests need.
enum Pair {
    static let network = Events.lateralMovement[0]
    static let process = Events.lateralMovement[1]
    static var lines: [String] { [network, process] }
    static var ndjson: String { lines.joined(separator: "\n") + "\n" }

    /// The pair as Windows event XML. `tag` is the event element's name (`e:Event` for a
    /// namespace prefix); the extras are inserted at the end of System and EventData.
    static func xml(tag: String = "Event", networkSystemExtra: String = "", processDataExtra: String = "") -> String {
        let network = xmlEvent(tag: tag, id: 3, record: 10, systemExtra: networkSystemExtra, data: [
            ("UtcTime", "2020-09-20 16:16:56.019"), ("ProcessGuid", "{d273d0f0-e865-5f64-0b00-000000000800}"),
            ("Image", #"C:\Windows\System32\services.exe"#), ("User", #"NT AUTHORITY\SYSTEM"#), ("Protocol", "tcp"),
            ("Initiated", "false"), ("SourceIp", "172.18.39.5"), ("SourcePort", "56608"),
            ("DestinationIp", "172.18.39.6"), ("DestinationPort", "49726"),
        ], dataExtra: "")
        let process = xmlEvent(tag: tag, id: 1, record: 11, systemExtra: "", data: [
            ("UtcTime", "2020-09-20 16:16:56.597"), ("ProcessGuid", "{d273d0f0-8078-5f67-cb06-000000000800}"),
            ("Image", #"C:\Windows\System32\cmd.exe"#), ("CommandLine", "cmd.exe /C whoami"),
            ("User", #"NT AUTHORITY\SYSTEM"#), ("ParentProcessGuid", "{d273d0f0-e865-5f64-0b00-000000000800}"),
            ("ParentImage", #"C:\Windows\System32\services.exe"#),
        ], dataExtra: processDataExtra)
        let namespace = tag.contains(":") ? " xmlns:\(tag.split(separator: ":")[0])='http://schemas.microsoft.com/win/2004/08/events/event'" : ""
        return "<Events\(namespace)>\n" + network + "\n" + process + "\n</Events>\n"
    }

    private static func xmlEvent(tag: String, id: Int, record: Int, systemExtra: String, data: [(String, String)], dataExtra: String) -> String {
        let prefix = tag.contains(":") ? String(tag.split(separator: ":")[0]) + ":" : ""
        let system = "<\(prefix)System><\(prefix)Provider Name='Microsoft-Windows-Sysmon'/><\(prefix)EventID>\(id)</\(prefix)EventID>"
            + "<\(prefix)EventRecordID>\(record)</\(prefix)EventRecordID><\(prefix)Channel>Microsoft-Windows-Sysmon/Operational</\(prefix)Channel>"
            + "<\(prefix)Computer>WS6.corp.example</\(prefix)Computer>\(systemExtra)</\(prefix)System>"
        let items = data.map { "<\(prefix)Data Name='\($0.0)'>\($0.1)</\(prefix)Data>" }.joined()
        return "<\(tag)>\(system)<\(prefix)EventData>\(items)\(dataExtra)</\(prefix)EventData></\(tag)>"
    }
}

/// One `hunt load` into a fresh database, and what it left there, read back through `hunt sql`.
struct TrickedLoad {
    let db: String
    let result: HuntProcess.Result

    /// Loads `inputs` (files or folders) into `case.db` in `dir`.
    init(_ inputs: [String], in dir: TemporaryDirectory, name: String = "case.db") throws {
        db = dir.path(name)
        result = try HuntProcess.run(["load", "--db", db] + inputs)
    }

    /// Rows of `sql` as `|`-joined text, columns in `columns` order.
    func rows(_ sql: String, _ columns: [String]) throws -> [String] {
        let run = try HuntProcess.run(["sql", "--db", db, "--format", "ndjson", sql])
        XCTAssertEqual(run.status, 0, run.stderr)
        return try run.stdout.split(separator: "\n").map { line in
            let row = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return columns.map { row[$0].map { "\($0)" } ?? "" }.joined(separator: "|")
        }
    }

    /// `name|parent_name` of every stored process start, in record order.
    func processes() throws -> [String] {
        try rows("SELECT name, parent_name FROM processes ORDER BY source_record", ["name", "parent_name"])
    }

    /// `name|source_ip` of every stored connection.
    func connections() throws -> [String] {
        try rows("SELECT name, source_ip FROM network_connections ORDER BY source_record", ["name", "source_ip"])
    }

    /// `read=loaded+duplicates+notRelevant+rejected status` per source, in load order.
    func sources() throws -> [String] {
        try rows("""
            SELECT records_read || '=' || records_loaded || '+' || records_duplicate || '+' || records_not_relevant
                   || '+' || records_rejected || ' ' || status AS counts
            FROM sources ORDER BY source_id
            """, ["counts"])
    }

    /// `record|byte_offset|reason` of every reject.
    func rejects() throws -> [String] {
        try rows("SELECT record, byte_offset, reason FROM rejects ORDER BY reject_id", ["record", "byte_offset", "reason"])
    }

    /// The exit status of `hunt detect --rule remote_service_rpc` (2: alerts found).
    func detectStatus() throws -> Int32 {
        try HuntProcess.run(["detect", "--db", db, "--rule", "remote_service_rpc"]).status
    }

    /// Asserts the pair is stored whole and still alerts.
    func assertPairAlerts(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try connections(), ["services.exe|172.18.39.5"], result.stderr, file: file, line: line)
        XCTAssertEqual(try processes(), ["cmd.exe|services.exe"], result.stderr, file: file, line: line)
        XCTAssertEqual(try detectStatus(), 2, "the pair must alert: \(result.stderr)", file: file, line: line)
    }
}

extension TemporaryDirectory {
    /// Writes raw bytes to `name` (created with its folders) and returns the path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = path(name)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// Text in the byte encodings exporters write.
enum TextEncoding {
    static func utf16LE(_ text: String, bom: Bool) -> [UInt8] {
        (bom ? [0xFF, 0xFE] : []) + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    static func utf16BE(_ text: String, bom: Bool) -> [UInt8] {
        (bom ? [0xFE, 0xFF] : []) + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    static func utf8(_ text: String, bom: Bool) -> [UInt8] {
        (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }
}
