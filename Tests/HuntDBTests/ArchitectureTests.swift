import Foundation
import Testing
import Queries

/// The layers as the compiler sees them: each folder of `Sources/HuntDB` is a target, and its
/// files import only the layers below it. `.ci/run` builds with SwiftPM's explicit import check
/// as well; this test names the file and the arrow that goes the wrong way.
struct ArchitectureTests {
    /// What each target may import (besides the standard library, Foundation and the OS).
    static let allowed: [String: Set<String>] = [
        "Model": ["CCrypto"],
        "Normalize": ["Model"],
        // FoundationNetworking (URLSession on Linux): only the ClickHouse store speaks HTTP.
        "Store": ["Model", "Schema", "CSQLite", "FoundationNetworking"],
        "Ingest": ["Model", "Normalize", "Store", "CZlib"],
        "Detect": ["Model", "Store", "Queries", "Yams"],
        "Query": ["Model", "Store", "Queries"],
        "Output": ["Model"],
        "Report": ["Model", "Store", "Detect", "Query"],
        "Generate": ["Model", "CZlib"],
        "Umbrella": ["Model", "Normalize", "Store", "Ingest", "Detect", "Query", "Output", "Report", "Generate"],
        "hunt": ["HuntDB", "ArgumentParser"],
    ]
    static let system: Set<String> = ["Foundation", "Dispatch", "Glibc", "Darwin", "Synchronization"]

    static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }

    /// `(target, file, imported module)` for every import under `Sources/`.
    static func imports() throws -> [(target: String, file: String, module: String)] {
        let sources = root.appendingPathComponent("Sources")
        let walker = try #require(FileManager.default.enumerator(atPath: sources.path))
        var found: [(String, String, String)] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let parts = relative.split(separator: "/").map(String.init)
            let target = parts[0] == "HuntDB" ? parts[1] : parts[0]
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), words[..<index].allSatisfy({ $0.hasPrefix("@") }),
                      index + 1 < words.count else { continue }
                found.append((target, relative, String(words[index + 1])))
            }
        }
        return found
    }

    @Test func everyImportFollowsTheArrows() throws {
        let imports = try Self.imports()
        #expect(imports.count > 100)
        for (target, file, module) in imports where !Self.system.contains(module) {
            guard let allowed = Self.allowed[target] else { continue }
            #expect(allowed.contains(module), "Sources/\(file): \(target) may not import \(module) (allowed: \(allowed.sorted()))")
        }
    }

    @Test func onlyTheStoreTalksToSQLite() throws {
        let sqlite = try Self.imports().filter { $0.module == "CSQLite" }
        #expect(!sqlite.isEmpty)
        #expect(sqlite.allSatisfy { $0.target == "Store" }, "\(sqlite.map(\.file))")
    }

    @Test func theCommandLineHandlesNoSQLiteTypes() throws {
        let folder = Self.root.appendingPathComponent("Sources/hunt")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for word in [#"\bDatabase\b"#, #"\bDatabaseError\b"#, #"\bStatement\b"#, "sqlite3_", #"\bSQLiteStore\b"#, #"\.database\b"#] {
                #expect(text.range(of: word, options: .regularExpression) == nil, "Sources/hunt/\(name) uses \(word)")
            }
        }
    }

    /// A file in `queries/` that the binary does not embed would be a rule or hunt that
    /// silently never runs.
    @Test(arguments: ["sql", "hunts"])
    func everyQueryFileIsEmbedded(folder: String) throws {
        let path = Self.root.appendingPathComponent("queries/\(folder)").path
        let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".sql") }
            .map { String($0.dropLast(4)) }.sorted()
        let embedded = (folder == "sql" ? EmbeddedQueries.rules : EmbeddedQueries.hunts).map(\.name).sorted()
        #expect(!files.isEmpty)
        #expect(files == embedded, "queries/\(folder): add each file to queries/Queries.swift (on disk \(files), embedded \(embedded))")
    }
}
