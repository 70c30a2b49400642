import Foundation
import HuntDB
@testable import Store

/// Builds flat Sysmon NDJSON lines (NXLog / Security-Datasets style) for tests.
enum SysmonFixture {
    /// 2026-11-01 10:00:00 UTC plus `ms` milliseconds, as Sysmon's UtcTime.
    static func utc(_ ms: Int) -> String {
        let micros = Timestamp.parseMicros("2026-11-01T10:00:00Z")! + Int64(ms) * 1000
        let iso = Timestamp.iso8601(micros: micros)  // 2026-11-01T10:00:00.123Z
        return iso.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    static let servicesGuid = "{b34bc01c-0001-5f63-0100-000000000400}"
    static let services = #"C:\Windows\System32\services.exe"#

    static func process(host: String = "WS1.corp.example", record: Int, ms: Int, guid: String,
                        image: String, commandLine: String? = nil, parentGuid: String = servicesGuid,
                        parentImage: String = services, user: String = #"NT AUTHORITY\SYSTEM"#,
                        extra: [String: Any] = [:]) -> String {
        var fields: [String: Any] = [
            "EventID": 1, "SourceName": "Microsoft-Windows-Sysmon", "Channel": "Microsoft-Windows-Sysmon/Operational",
            "Hostname": host, "host": "wec.corp.example", "RecordNumber": record, "UtcTime": utc(ms),
            "ProcessGuid": guid, "ProcessId": "4242", "Image": image, "CommandLine": commandLine ?? "\"\(image)\"",
            "CurrentDirectory": #"C:\Windows\system32\"#, "User": user, "IntegrityLevel": "System",
            "ParentProcessGuid": parentGuid, "ParentProcessId": "700", "ParentImage": parentImage,
            "ParentCommandLine": parentImage,
        ]
        for (k, v) in extra { fields[k] = v }
        return line(fields)
    }

    static func network(host: String = "WS1.corp.example", record: Int, ms: Int, guid: String = servicesGuid,
                        image: String = services, transport: String = "tcp", initiated: String = "false",
                        sourceIp: String = "10.0.0.5", sourcePort: Int = 50000,
                        destinationIp: String = "10.0.0.9", destinationPort: Int = 49700,
                        extra: [String: Any] = [:]) -> String {
        var fields: [String: Any] = [
            "EventID": 3, "SourceName": "Microsoft-Windows-Sysmon", "Channel": "Microsoft-Windows-Sysmon/Operational",
            "Hostname": host, "host": "wec.corp.example", "RecordNumber": record, "UtcTime": utc(ms),
            "ProcessGuid": guid, "ProcessId": "700", "Image": image, "User": #"NT AUTHORITY\SYSTEM"#,
            "Protocol": transport, "Initiated": initiated, "SourceIp": sourceIp, "SourcePort": String(sourcePort),
            "DestinationIp": destinationIp, "DestinationPort": String(destinationPort),
        ]
        for (k, v) in extra { fields[k] = v }
        return line(fields)
    }

    static func line(_ fields: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// A fresh temporary directory and database per test.
final class Scratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("huntdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, lines: [String]) throws -> String {
        try write(name, text: lines.joined(separator: "\n") + "\n")
    }

    @discardableResult
    func write(_ name: String, text: String) throws -> String {
        let p = path(name)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func store(_ name: String = "test.db") throws -> SQLiteStore {
        try SQLiteStore(path: path(name))
    }

    /// Loads `inputs` into a fresh store and returns both.
    func load(_ inputs: [String], options: LoadOptions = LoadOptions(), db: String = "test.db") throws -> (SQLiteStore, LoadReport) {
        let store = try self.store(db)
        let report = try Loader(store: store, options: options).load(inputs)
        return (store, report)
    }
}

extension SQLiteStore {
    /// The first column of every row of `sql` as text.
    func column(_ sql: String) throws -> [String] {
        let statement = try database.prepare(sql, purpose: "test query")
        var values: [String] = []
        while try statement.step() { values.append(statement.value(0).description) }
        return values
    }

    func count(_ table: String) throws -> Int {
        Int(try database.scalarInt("SELECT count(*) FROM \(table)", purpose: "test count") ?? -1)
    }
}
