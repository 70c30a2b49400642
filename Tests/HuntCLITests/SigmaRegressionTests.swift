import Foundation
import XCTest

/// SigmaHQ's regression cases (../shared/sigma/regression_data): every case's rule, run by the
/// real `hunt detect --sigma` over its own sample loaded by `hunt load`, gives exactly the
/// case's `match_count` alerts (at least one where the case gives no count, as SigmaHQ's runner
/// requires). All samples go into one database and all rules run in one `hunt detect`; each
/// rule's alerts are counted on its own sample's events only, told apart by the alert's
/// `source` (every sample is copied under a unique name first).
final class SigmaRegressionTests: XCTestCase {
    /// Cases whose rule `hunt sigma check` may report unsupported, by rule id, with the reason.
    /// Anything unsupported that is not listed here fails the test, and so does a listed rule
    /// that has become supported (the entry must then go).
    static let expectedUnsupported: [String: String] = [:]

    private struct Batch {
        var dir: TemporaryDirectory
        var cases: [SharedSigma.RegressionCase]
        /// The rule file of each case, by rule id (copied into one folder).
        var ruleFolder: String
        var checkRows: [[String: Any]]
    }

    /// Reads the cases, copies their rules into one folder and asks `hunt sigma check` about them.
    private func prepare() throws -> Batch {
        guard let sigma = SharedSigma.directory else { throw XCTSkip("../shared/sigma is not present") }
        let cases = try SharedSigma.regressionCases(in: sigma)
        XCTAssertGreaterThanOrEqual(cases.count, 60, "regression cases found: \(cases.count)")
        let rules = try SharedSigma.rulesByID(in: sigma)
        let dir = try TemporaryDirectory()
        let ruleFolder = dir.path("rules")
        try FileManager.default.createDirectory(atPath: ruleFolder, withIntermediateDirectories: true)
        for ruleID in Set(cases.map(\.ruleID)) {
            let rule = try XCTUnwrap(rules[ruleID], "no rule file in ../shared/sigma has id \(ruleID)")
            try FileManager.default.copyItem(atPath: rule.path, toPath: ruleFolder + "/" + ruleID + ".yml")
        }
        let check = try HuntProcess.run(["sigma", "check", ruleFolder, "--format", "json"])
        XCTAssertTrue([0, 2].contains(check.status) || !check.stdout.isEmpty, "sigma check: \(check.status) \(check.stderr)")
        return Batch(dir: dir, cases: cases, ruleFolder: ruleFolder, checkRows: try SigmaOutput.checkRows(check))
    }

    /// The status and reason `hunt sigma check` gave each rule id.
    private func support(_ batch: Batch) -> [String: (status: String, reason: String)] {
        var byID: [String: (String, String)] = [:]
        for row in batch.checkRows {
            byID[SigmaOutput.text(row["rule_id"])] = (SigmaOutput.text(row["status"]), SigmaOutput.text(row["reason"]))
        }
        return byID
    }

    /// Loads one sample per case (`pick` chooses .evtx or .json) into `name`, runs every rule
    /// once, and returns the alert count of each case's rule on its own sample, by case index.
    /// Cases whose sample shares events with an earlier one (counted as duplicates, so stored
    /// under the other sample) are run again alone in a database of their own.
    private func countAlerts(_ batch: Batch, sample pick: (SharedSigma.RegressionCase) -> URL?, ext: String,
                             name: String) throws -> [Int: Int] {
        let samples = batch.dir.path("samples-" + name)
        try FileManager.default.createDirectory(atPath: samples, withIntermediateDirectories: true)
        var fileOf: [Int: String] = [:]
        for (index, regression) in batch.cases.enumerated() {
            guard let sample = pick(regression) else { continue }
            let file = String(format: "case-%03d.", index) + ext
            try FileManager.default.copyItem(atPath: sample.path, toPath: samples + "/" + file)
            fileOf[index] = file
        }
        let db = batch.dir.path(name + ".db")
        let load = try HuntProcess.run(["load", "--db", db, samples])
        XCTAssertEqual(load.status, 0, "hunt load of the \(ext) samples: \(load.stderr)")
        let sources = try HuntProcess.run(["sql", "--db", db, "--format", "json",
                                           "SELECT path, records_read, records_loaded, records_duplicate, records_rejected FROM sources"])
        XCTAssertEqual(sources.status, 0, sources.stderr)
        let sourceRows = try XCTUnwrap(try JSONSerialization.jsonObject(with: sources.stdoutData) as? [[String: Any]])
        var shared: Set<Int> = []
        for row in sourceRows {
            let path = SigmaOutput.text(row["path"])
            guard let index = fileOf.first(where: { path.hasSuffix("/" + $0.value) })?.key else { continue }
            XCTAssertEqual(SigmaOutput.text(row["records_rejected"]), "0",
                           "\(batch.cases[index].name): the loader rejected records of its \(ext) sample: \(load.stderr)")
            if SigmaOutput.text(row["records_duplicate"]) != "0" { shared.insert(index) }
        }

        var counts = try detect(db: db, rules: batch.ruleFolder, cases: batch.cases, fileOf: fileOf)
        for index in shared.sorted() {
            let alone = batch.dir.path("\(name)-alone-\(index).db")
            let file = try XCTUnwrap(fileOf[index])
            let again = try HuntProcess.run(["load", "--db", alone, samples + "/" + file])
            XCTAssertEqual(again.status, 0, again.stderr)
            counts[index] = try detect(db: alone, rules: batch.ruleFolder, cases: batch.cases, fileOf: [index: file])[index]
        }
        return counts
    }

    /// One `hunt detect --sigma FOLDER --format json`; alerts of each case's rule on its own file.
    /// When that run fails as a whole (one rule must not take the others down: that fails the
    /// test), each case's rule runs alone, so every case still gets its own result.
    private func detect(db: String, rules: String, cases: [SharedSigma.RegressionCase],
                        fileOf: [Int: String]) throws -> [Int: Int] {
        let run = try HuntProcess.run(["detect", "--db", db, "--sigma", rules, "--format", "json"])
        guard run.status == 0 || run.status == 2 else {
            XCTFail("hunt detect --sigma over \(fileOf.count) samples exited \(run.status): \(run.stderr.suffix(2000))")
            var counts: [Int: Int] = [:]
            for (index, file) in fileOf {
                let alone = try HuntProcess.run(["detect", "--db", db, "--sigma", rules + "/" + cases[index].ruleID + ".yml", "--format", "json"])
                guard alone.status == 0 || alone.status == 2 else {
                    XCTFail("\(cases[index].name): hunt detect --sigma of its rule alone exited \(alone.status): \(alone.stderr.suffix(1000))")
                    continue
                }
                counts[index] = try count(SigmaOutput.alerts(alone), cases: cases, fileOf: [index: file])[index]
            }
            return counts
        }
        return try count(SigmaOutput.alerts(run), cases: cases, fileOf: fileOf)
    }

    private func count(_ alerts: [[String: Any]], cases: [SharedSigma.RegressionCase], fileOf: [Int: String]) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for index in fileOf.keys { counts[index] = 0 }
        for alert in alerts {
            for key in ["rule_id", "rule_name", "severity", "host", "time", "event_kind", "record_id", "source"] {
                XCTAssertNotNil(alert[key], "an alert lacks \(key): \(alert)")
            }
            let ruleID = SigmaOutput.text(alert["rule_id"]), source = SigmaOutput.text(alert["source"])
            for (index, file) in fileOf where cases[index].ruleID == ruleID && source.contains(file + ":") {
                counts[index, default: 0] += 1
            }
        }
        return counts
    }

    /// Checks each case's count and support; returns one line per case for the log.
    private func verify(_ batch: Batch, counts: [Int: Int], variant: String, only indices: [Int]? = nil) -> [String] {
        let support = support(batch)
        var lines: [String] = []
        for index in indices ?? Array(batch.cases.indices) {
            let regression = batch.cases[index]
            let expectedText = regression.matchCount.map(String.init) ?? ">=1"
            let (status, reason) = support[regression.ruleID] ?? ("missing", "sigma check printed no row for it")
            let got = counts[index]
            lines.append("\(variant) \(regression.ruleID) expected \(expectedText) got \(got.map(String.init) ?? "-") [\(status)] \(regression.name)")
            if let listed = Self.expectedUnsupported[regression.ruleID] {
                XCTAssertNotEqual(status, "supported", "\(regression.name) (\(regression.ruleID)) is listed as expected unsupported (\(listed)) but is supported now: remove it from the list and check its count")
                continue
            }
            XCTAssertEqual(status, "supported", "\(regression.name): rule \(regression.ruleID) \"\(regression.ruleTitle)\" is \(status): \(reason)")
            guard let got else { XCTFail("\(regression.name): no \(variant) sample counted"); continue }
            if let expected = regression.matchCount {
                XCTAssertEqual(got, expected, "\(variant) \(regression.name): rule \(regression.ruleID) \"\(regression.ruleTitle)\" gave \(got) alerts on its sample, SigmaHQ expects \(expected)")
            } else {
                XCTAssertGreaterThanOrEqual(got, 1, "\(variant) \(regression.name): rule \(regression.ruleID) \"\(regression.ruleTitle)\" gave no alert on its sample (SigmaHQ requires at least one)")
            }
        }
        return lines
    }

    func testEveryRegressionCase_givesItsMatchCountOnItsEVTXSample() throws {
        let started = Date()
        let batch = try prepare()
        let counts = try countAlerts(batch, sample: { $0.evtx }, ext: "evtx", name: "evtx")
        let lines = verify(batch, counts: counts, variant: "evtx")
        print("Sigma regression, \(batch.cases.count) cases in \(String(format: "%.1f", Date().timeIntervalSince(started))) s:\n" + lines.joined(separator: "\n"))
    }

    /// The same events as evtx_dump JSON (`Event.System` / `Event.EventData`, pretty-printed
    /// objects back to back) give the same counts: each case's match_count again.
    func testEveryRegressionCase_givesTheSameCountsFromItsJSONSample() throws {
        let started = Date()
        let batch = try prepare()
        let withJSON = batch.cases.indices.filter { batch.cases[$0].json != nil }
        XCTAssertGreaterThanOrEqual(withJSON.count, batch.cases.count - 5, "cases with a JSON sample: \(withJSON.count)")
        let counts = try countAlerts(batch, sample: { $0.json }, ext: "json", name: "json")
        let lines = verify(batch, counts: counts, variant: "json", only: withJSON)
        print("Sigma regression, \(withJSON.count) JSON samples in \(String(format: "%.1f", Date().timeIntervalSince(started))) s:\n" + lines.joined(separator: "\n"))
    }
}
