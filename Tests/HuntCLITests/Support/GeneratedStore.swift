import XCTest

/// A store loaded by the real `hunt` from a corpus `hunt generate` wrote (planted cases included).
enum GeneratedStore {
    /// Generates `events` events over `hosts` hosts into `dir` and loads them; the database path.
    static func make(in dir: TemporaryDirectory, events: String = "20k", hosts: Int) throws -> String {
        let corpus = dir.path("corpus.ndjson")
        let generate = try HuntProcess.run(["generate", "--events", events, "--hosts", String(hosts), "--output", corpus])
        XCTAssertEqual(generate.status, 0, generate.stderr)
        let db = dir.path("case.db")
        let load = try HuntProcess.run(["load", "--db", db, corpus])
        XCTAssertEqual(load.status, 0, load.stderr)
        return db
    }
}
