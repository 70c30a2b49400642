import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// A real `clickhouse-server` (Debian's package) started for a test class in a temporary
/// directory on loopback ports, and stopped at the end. Tests skip, saying why, when the
/// binary is not installed.
final class ClickHouseServer {
    static let binary = "/usr/sbin/clickhouse-server"
    let directory: URL
    let address: String
    let httpPort: Int
    let tcpPort: Int
    /// The server's pid (it runs as a daemon: a Foundation `Process` child that outlives the
    /// `hunt` processes a test starts would keep Foundation from reaping them).
    private var pid: pid_t = 0

    /// The `--db` value of `database` on this server.
    func url(_ database: String, cluster: String? = nil) -> String {
        "clickhouse://\(address):\(httpPort)/\(database)" + (cluster.map { "?cluster=\($0)" } ?? "")
    }

    /// Skips the test when the server binary is missing.
    static func requireInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("clickhouse-server is not installed (\(binary)); .ci/run installs it with apt-get")
        }
    }

    /// Starts a server on `address` with the given ports; `cluster` lists the shards
    /// (address, tcp port) of a cluster named `two_shards`. A user `hunter` has the password `s3cret`.
    init(address: String = "127.0.0.1", httpPort: Int, tcpPort: Int, cluster: [(String, Int)] = []) throws {
        try Self.requireInstalled()
        self.address = address
        self.httpPort = httpPort
        self.tcpPort = tcpPort
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hunt-clickhouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.path
        let shards = cluster.map { "<shard><replica><host>\($0.0)</host><port>\($0.1)</port></replica></shard>" }.joined()
        try """
            <?xml version="1.0"?>
            <yandex>
                <logger><level>warning</level><log>\(path)/server.log</log><errorlog>\(path)/error.log</errorlog><console>0</console></logger>
                <http_port>\(httpPort)</http_port>
                <tcp_port>\(tcpPort)</tcp_port>
                <listen_host>\(address)</listen_host>
                <path>\(path)/data/</path>
                <tmp_path>\(path)/tmp/</tmp_path>
                <user_files_path>\(path)/user_files/</user_files_path>
                <format_schema_path>\(path)/format_schemas/</format_schema_path>
                <users_config>\(path)/users.xml</users_config>
                <default_profile>default</default_profile>
                <default_database>default</default_database>
                <mark_cache_size>67108864</mark_cache_size>
                <remote_servers><two_shards>\(shards)</two_shards></remote_servers>
            </yandex>
            """.write(toFile: "\(path)/config.xml", atomically: true, encoding: .utf8)
        try """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>1500000000</max_memory_usage></default></profiles>
              <users>
                <default><password></password><networks><ip>::1</ip><ip>127.0.0.0/8</ip></networks><profile>default</profile><quota>default</quota></default>
                <hunter><password>s3cret</password><networks><ip>::1</ip><ip>127.0.0.0/8</ip></networks><profile>default</profile><quota>default</quota></hunter>
              </users>
              <quotas><default></default></quotas>
            </yandex>
            """.write(toFile: "\(path)/users.xml", atomically: true, encoding: .utf8)
        let launcher = Process()
        launcher.executableURL = URL(fileURLWithPath: Self.binary)
        launcher.arguments = ["--daemon", "--pid-file=\(path)/server.pid", "--config-file=\(path)/config.xml"]
        launcher.currentDirectoryURL = directory
        launcher.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        launcher.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try launcher.run()
        launcher.waitUntilExit()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if pid == 0, let text = try? String(contentsOfFile: "\(path)/server.pid", encoding: .utf8) {
                pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            }
            if pid != 0, (try? ping()) == true { return }
            usleep(100_000)
        }
        stop()
        let log = (try? String(contentsOfFile: "\(path)/error.log", encoding: .utf8)) ?? ""
        throw XCTSkip("clickhouse-server did not start on \(address):\(httpPort): \(log.suffix(400))")
    }

    /// Two free ports: random below Linux's ephemeral range (32768 and up, where the tests' own
    /// connections take their local ports: a clash there made a start fail and the class skip),
    /// and each checked by binding it on loopback first.
    static func randomPorts() -> (http: Int, tcp: Int) {
        for _ in 0..<50 {
            let base = Int.random(in: 6_000..<16_000) * 2
            if isFree(base), isFree(base + 1) { return (base, base + 1) }
        }
        let base = Int.random(in: 6_000..<16_000) * 2
        return (base, base + 1)
    }

    /// Whether a TCP port can be bound on 127.0.0.1 now.
    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private func ping() throws -> Bool {
        let data = try query("SELECT 1")
        return String(decoding: data, as: UTF8.self).hasPrefix("1")
    }

    /// Runs SQL as the default user (test set-up and checks), returning the body; throws on an error status.
    @discardableResult
    func query(_ sql: String) throws -> Data {
        var request = URLRequest(url: URL(string: "http://\(address):\(httpPort)/")!)
        request.httpMethod = "POST"
        request.httpBody = Data(sql.utf8)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data?, Int, Error?) = (nil, 0, nil)
        URLSession.shared.dataTask(with: request) { data, response, error in
            result = (data, (response as? HTTPURLResponse)?.statusCode ?? 0, error)
            done.signal()
        }.resume()
        done.wait()
        if let error = result.2 { throw error }
        guard result.1 == 200 else {
            throw NSError(domain: "clickhouse", code: result.1, userInfo: [NSLocalizedDescriptionKey: String(decoding: result.0 ?? Data(), as: UTF8.self)])
        }
        return result.0 ?? Data()
    }

    /// One integer the SQL returns.
    func integer(_ sql: String) throws -> Int64 {
        Int64(String(decoding: try query(sql), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0 && Date() < deadline { usleep(50_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        pid = 0
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
