import Foundation
import XCTest
import HuntDB
@testable import Model
@testable import Ingest
@testable import Normalize
@testable import Generate
@testable import Store

/// The flat dialect's direct path (`FlatDialectReader`: `FlatRecordScanner`, `FlatSysmonEvent`)
/// against the generic reader (`JSONTape`, `JSONPathMap`, `SysmonNormalizer`): every record must
/// give the same result both ways — the same event field for field, the same reject sentence,
/// the same "not relevant" — over generated corpora, the shared real recordings and hostile
/// lines. Each test also checks that the direct path really answered, so it cannot pass by
/// always handing records back.
final class FlatScannerDifferentialTests: XCTestCase {
    /// Decodes each line with a decoder of each kind (kept across lines, as the loader does).
    private struct Pair {
        var direct = JSONRecordDecoder()
        var generic = JSONRecordDecoder(readsFlatDirectly: false)
        var compared = 0

        mutating func assertSame(_ line: [UInt8], _ what: @autoclosure () -> String, file: StaticString = #filePath, line number: UInt = #line) {
            var fast: [NormalizeResult] = []
            var slow: [NormalizeResult] = []
            line.withUnsafeBytes { bytes in
                direct.decode(bytes) { result, _ in fast.append(result) }
                generic.decode(bytes) { result, _ in slow.append(result) }
            }
            compared += 1
            guard fast != slow else { return }
            XCTFail("\(what()): the direct path gives\n  \(fast)\nthe generic one\n  \(slow)\nfor \(String(decoding: line.prefix(400), as: UTF8.self))",
                    file: file, line: number)
        }

        func assertSameLabels(file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(direct.dialectCounts, generic.dialectCounts, "dialect counts (the format label)", file: file, line: line)
        }
    }

    // MARK: Generated corpora

    func testGeneratedFlatCorpus_everyRecordTheSameBothWays() throws {
        let scratch = try Scratch()
        var pair = Pair()
        var relevant = 0
        for (seed, irrelevant) in [(UInt64(5), 0.0), (11, 0.5)] {
            let options = GenerateFixture.options(events: 6_000, hosts: 12, seed: seed, planted: 4, irrelevantRatio: irrelevant)
            let corpus = try scratch.generate(.sysmonFlat, options: options, name: "flat-\(seed).ndjson")
            let context = PlantedContextEvents.flatNDJSON(corpus.summary, seed: seed)
            XCTAssertFalse(context.isEmpty, "the planted cases come with context events (4624, 7045, Sysmon 1 and 3)")
            let text = try String(contentsOfFile: corpus.path, encoding: .utf8) + context
            for (index, line) in text.split(separator: "\n").enumerated() {
                pair.assertSame(Array(line.utf8), "seed \(seed), line \(index + 1)")
            }
            relevant += corpus.summary.relevantEvents
        }
        pair.assertSameLabels()
        let (answered, built) = pair.direct.flatCounts
        XCTAssertGreaterThanOrEqual(built, relevant, "every generated process start and connection is built from bytes")
        XCTAssertGreaterThanOrEqual(answered, built)
        XCTAssertGreaterThan(pair.compared, 12_000)
    }

    func testGeneratedFlatCorpus_gzipLoadsTheSameRowsWithAndWithoutTheScanner() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 5_000, hosts: 10, seed: 21, planted: 3, irrelevantRatio: 0.3)
        let corpus = try scratch.generate(.sysmonFlat, options: options, name: "corpus.ndjson.gz", gzip: true)
        let context = try scratch.write("context.ndjson", text: PlantedContextEvents.flatNDJSON(corpus.summary, seed: 21))
        var dumps: [[[RowValue]]] = []
        var counts: [LoadCounts] = []
        for direct in [true, false] {
            var loadOptions = LoadOptions()
            loadOptions.readsFlatDirectly = direct
            let (store, report) = try scratch.load([corpus.path, context], options: loadOptions, db: "direct-\(direct).db")
            counts.append(report.totals)
            dumps.append(try store.rows(GenerateFixture.processColumns) + store.rows(GenerateFixture.networkColumns)
                         + store.rows("SELECT * FROM logons ORDER BY 1") + store.rows("SELECT * FROM service_installs ORDER BY 1"))
            XCTAssertEqual(report.sources.map(\.format), ["ndjson:sysmon-flat", "ndjson:sysmon-flat"])
        }
        XCTAssertEqual(counts[0], counts[1])
        XCTAssertTrue(counts[0].addsUp)
        XCTAssertGreaterThan(dumps[0].count, 3_000)
        GenerateFixture.assertSameRows(dumps[0], dumps[1], "rows with and without the direct path")
    }

    // MARK: The shared recordings

    func testSharedSecurityDatasets_everyRecordTheSameBothWays() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/datasets/security-datasets").standardized
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".json") || $0.hasSuffix(".json.gz") }),
              !names.isEmpty else { throw XCTSkip("../shared/datasets/security-datasets is not present") }
        var answered = 0
        for name in names.sorted() {
            let path = folder.appendingPathComponent(name).path
            let direct = try outcomes(path, direct: true)
            let generic = try outcomes(path, direct: false)
            XCTAssertEqual(direct.outcomes.count, generic.outcomes.count, name)
            for (a, b) in zip(direct.outcomes, generic.outcomes) where a != b {
                XCTFail("\(name) record \(a.number): \(a) vs \(b)")
                break
            }
            XCTAssertEqual(direct.label, generic.label, name)
            answered += direct.answered
        }
        XCTAssertGreaterThan(answered, 0, "the direct path read records of the real recordings")
    }

    private struct Outcome: Equatable {
        var number: Int64
        var offset: Int64
        var result: NormalizeResult
        var excerpt: String
    }

    /// Every outcome of one file read as the loader reads it.
    private func outcomes(_ path: String, direct: Bool) throws -> (outcomes: [Outcome], label: String, answered: Int) {
        let opened = try OpenedInput(path: path, forcedFormat: .auto)
        guard case .success(var source) = opened.makeSource(readsFlatDirectly: direct) else {
            XCTFail("\(path) does not open")
            return ([], "", 0)
        }
        var all: [Outcome] = []
        try source.read { outcome in
            all.append(Outcome(number: outcome.number, offset: outcome.offset, result: outcome.result, excerpt: outcome.excerpt))
            return true
        }
        return (all, source.formatLabel, (source as? JSONRecordSource)?.flatCounts.answered ?? 0)
    }

    func testUnescape_matchesJSONStringOnValidEscapes() {
        var random = SplitMix64(0xE5C)
        let pieces = [#"\\"#, #"\""#, #"\/"#, #"\b"#, #"\f"#, #"\n"#, #"\r"#, #"\t"#, #"\u0000"#, #"\u0041"#, #"\u00e9"#, #"\u07FF"#,
                      #"\u0800"#, #"\uFFFF"#, #"\ud83d\ude00"#, #"\uDBFF\uDFFF"#, #"\uD800\uDC00"#, "a", "bc", "é", "日本", "C:", " "]
        for _ in 0..<3_000 {
            let text = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { raw in
                XCTAssertEqual(FlatRecord.unescape(raw), JSONString.unescape(raw), text)
            }
        }
    }

    func testSysmonChannelConstant_isTheNormalizers() {
        XCTAssertEqual(FlatSysmonEvent.sysmonChannel.description, SysmonNormalizer.sysmonChannel.lowercased())
    }

    // MARK: Hostile lines

    func testHostileLines_sameResultsBothWays() {
        var pair = Pair()
        var lines: [(String, [UInt8])] = []
        func add(_ what: String, _ text: String) { lines.append((what, Array(text.utf8))) }
        for base in [FlatLine.process, FlatLine.connection, FlatLine.registry] {
            add("base", base.text)
            // Each mapped field missing, empty, a dash, null, a number, a boolean, an array, an object.
            for key in base.keys {
                add("\(key) removed", base.removing(key).text)
                for value in [#""""#, #""-""#, "null", "7", "true", #"["x"]"#, #"{"a":1}"#, #"" 7 ""#, #""0x10""#, "-3", "1.5", "1e2"] {
                    add("\(key) = \(value)", base.replacing(key, raw: value).text)
                }
            }
            // Keys in another order, white space everywhere, CRLF and spaces around the object.
            add("reversed", base.reversed().text)
            add("shuffled", base.shuffled(seed: 3).text)
            add("spaced", base.text(separator: " , ", colon: " : ", open: "{ ", close: " }"))
            add("padded", " \t" + base.text + " \r")
            // Duplicates: a mapped key, an unmapped key, a second spelling of one slot.
            add("Image twice", base.appending("Image", raw: #""C:\\x.exe""#).text)
            add("EventID twice", base.appending("EventID", raw: "7").text)
            add("unmapped twice", base.appending("Severity", raw: #""x""#).appending("Severity", raw: #""y""#).text)
            add("ProviderName too", base.appending("ProviderName", raw: #""Other""#).text)
            add("EventRecordID too", base.appending("EventRecordID", raw: "5").text)
            add("Computer too", base.appending("Computer", raw: #""OTHER""#).text)
            // Another dialect's keys, wrappers, a second object, data after the object.
            add("winlog after", base.appending("winlog", raw: #"{"event_id":1}"#).text)
            add("Event after", base.appending("Event", raw: #"{"System":{}}"#).text)
            add("_source", base.appending("_source", raw: #"{"EventID":1}"#).text)
            add("two objects", base.text + base.text)
            add("two objects spaced", base.text + " " + base.text)
            add("trailing garbage", base.text + "x")
            add("escaped key", base.text.replacingOccurrences(of: #""Image""#, with: #""Imag\u0065""#))
            add("escaped EventID key", base.text.replacingOccurrences(of: #""EventID""#, with: #""Event\u0049D""#))
            add("nested tags", base.appending("tags", raw: #"[["a",{"b":[1,2,{"c":null}]}],true]"#).text)
            add("deep nesting", base.appending("deep", raw: String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).text)
            add("bad nested", base.appending("tags", raw: #"[1,]"#).text)
            // Truncated at every few bytes.
            let whole = base.text
            for cut in stride(from: 0, to: whole.utf8.count, by: 7) {
                lines.append(("cut at \(cut)", Array(whole.utf8.prefix(cut))))
            }
        }
        let p = FlatLine.process
        let c = FlatLine.connection
        // Escapes in values, invalid escapes, surrogate pairs, lone surrogates, control characters.
        for value in [#""C:\\Windows\\system32\\cmd.exe /c \"echo\" \/ \n\t\r\b\f""#, #""caf\u00e9 \ud83d\ude00""#,
                      #""lone \ud83d here""#, #""low \ude00""#, #""bad \x escape""#, #""\u12""#, #""\u0000""#,
                      "\"tab\there\"", #""\u002d""#, #""""#, #""\"quoted program\" arg""#] {
            for key in ["CommandLine", "Image", "User", "ParentCommandLine", "Hashes", "CurrentDirectory", "ProcessGuid", "UtcTime", "Hostname", "Channel", "SourceName", "RecordNumber", "ParentProcessId"] {
                add("\(key) = \(value)", p.replacing(key, raw: value).text)
            }
        }
        // Invalid UTF-8 in a value, in a key, outside strings; valid multi-byte text.
        var invalid = Array(p.text.utf8)
        for bytes in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]] as [[UInt8]] {
            var line = Array(p.text.utf8)
            line.insert(contentsOf: bytes, at: line.count - 3)
            lines.append(("invalid UTF-8 \(bytes) in a value", line))
            var key = Array(p.replacing("Image", raw: #""x""#).text.utf8)
            key.insert(contentsOf: bytes, at: 2)
            lines.append(("invalid UTF-8 \(bytes) in a key", key))
        }
        invalid.insert(0xFF, at: 1)
        lines.append(("invalid UTF-8 outside strings", invalid))
        add("multi-byte everywhere", p.replacing("CommandLine", raw: #""C:\\Tools\\naïve.exe ünïcødé 日本語 😀""#)
            .replacing("User", raw: #""CORP\\jürgen""#).replacing("Image", raw: #""C:\\Tools\\naïve.exe""#).text)
        add("combining mark after backslash", p.replacing("User", raw: "\"CORP\\\\\u{301}user\"").text)
        // Numbers as strings and strings as numbers, spelled many ways.
        for (key, values) in [("EventID", ["\"1\"", "1.0", "\"01\"", "\"+1\"", "\" 1\"", "-1", "1e0", "\"3\"", "13", "4688", "\"4688\"", "5156", "4624", "7045", "4103", "0", "255", "99999999999999999999"]),
                              ("RecordNumber", ["\"123\"", "123", "-5", "\"+5\"", "\"0x10\"", "99999999999999999999", "1234567890123456789", "\"\"", "\"-\""]),
                              ("ProcessId", ["\"628\"", "628", "\"+628\"", "\"0x274\"", "-1", "9223372036854775807", "9223372036854775808"]),
                              ("TerminalSessionId", ["\"0\"", "0", "\"x\""]),
                              ("UtcTime", ["\"2026-11-01T00:00:01.902Z\"", "\"2026-11-01 00:00:01\"", "\"2026-11-01 00:00:01.1234567\"", "\"2026-02-30 00:00:01.000\"", "\"garbage\"", "\" 2026-11-01 00:00:01.902 \"", "\"2026-11-01 00:00:01,5\"", "\"2026-11-01 00:00:01.902+02:00\""])] {
            for value in values { add("\(key) = \(value)", p.replacing(key, raw: value).text) }
        }
        for (key, values) in [("DestinationPort", ["\"445\"", "445", "\" 445\"", "\"65536\"", "\"-1\"", "\"0\"", "\"00445\"", "445.0", "\"microsoft-ds\""]),
                              ("SourceIp", ["\"::1\"", "\"0:0:0:0:0:0:0:1\"", "\"::ffff:10.1.2.3\"", "\"010.1.2.3\"", "\"10.1.2.256\"", "\" 10.1.2.3\"", "\"10.1.2.3%5\"", "\"fe80::1%12\"", "\"[::1]\"", "\"10.1.2\"", "\"10.1.2.3.4\"", "\"0.0.0.0\"", "\"255.255.255.255\"", "\"1.2.3.04\"", "\"x\""]),
                              ("Initiated", ["\"True\"", "\"FALSE\"", "\"1\"", "\"0\"", "true", "false", "\"yes\"", "\"\""]),
                              ("Protocol", ["\"TCP\"", "\"Udp\"", "\"\"", "\"-\""]),
                              ("Channel", ["\"microsoft-windows-sysmon/operational\"", "\"ForwardedEvents\"", "\"Security\""]),
                              ("SourceName", ["\"Sysmon\"", "\"Microsoft-Windows-Security-Auditing\"", "null"])] {
            for value in values { add("\(key) = \(value)", c.replacing(key, raw: value).text) }
        }
        // GUID spellings.
        for value in ["\"b2e797f1-8101-6ae6-7005-000000000800\"", "\"{B2E797F1-8101-6AE6-7005-000000000800}\"", "\"{b2e797f1-8101-6ae6-7005-00000000080}\"",
                      "\"{b2e797f1x8101-6ae6-7005-000000000800}\"", "\"[b2e797f1-8101-6ae6-7005-000000000800]\"", "\"not a guid\""] {
            for key in ["ProcessGuid", "ParentProcessGuid", "LogonGuid"] { add("\(key) = \(value)", p.replacing(key, raw: value).text) }
        }
        // Huge fields: over Windows's limit (cut and reported), under it, and with multi-byte text.
        let long = String(repeating: "A", count: 40_000)
        let longWide = String(repeating: "é", count: 20_000)
        for key in ["CommandLine", "Image", "ParentImage", "ParentCommandLine", "Hashes", "CurrentDirectory", "Company"] {
            add("\(key) huge", p.replacing(key, raw: "\"\(long)\"").text)
            add("\(key) wide", p.replacing(key, raw: "\"\(longWide)\"").text)
            add("\(key) just under", p.replacing(key, raw: "\"\(String(repeating: "b", count: 32_767))\"").text)
        }
        add("TimeCreated only", p.removing("UtcTime").appending("TimeCreated", raw: "\"2026-11-01T00:00:02.5Z\"").text)
        add("UtcTime null, TimeCreated", p.replacing("UtcTime", raw: "null").appending("TimeCreated", raw: "\"2026-11-01T00:00:02.5Z\"").text)
        add("user without domain", p.replacing("User", raw: "\"SYSTEM\"").text)
        add("registry ImagePath", FlatLine.registry.replacing("TargetObject", raw: #""HKLM\\System\\CurrentControlSet\\Services\\evil\\ImagePath""#).text)
        add("registry percent", FlatLine.registry.replacing("TargetObject", raw: #""HKLM\\System\\CurrentControlSet\\Services\\evil\\ImagePath""#)
            .replacing("Details", raw: #""%%COMSPEC%% /c x""#).text)
        add("empty object", "{}")
        add("array", "[1,2]")
        add("string", "\"x\"")
        add("only EventID", #"{"EventID":1}"#)
        add("event but no EventID", #"{"event":{"category":"process"}}"#)

        for (what, line) in lines { pair.assertSame(line, what) }
        pair.assertSameLabels()
        let (answered, built) = pair.direct.flatCounts
        XCTAssertGreaterThan(built, lines.count / 4, "most hostile variants are still plain events")
        XCTAssertGreaterThan(answered, built)
    }

    /// Random damage to real-shaped lines: bytes dropped, doubled, replaced by JSON's own
    /// characters, pairs moved. Every variant must read the same both ways.
    func testMutatedLines_sameResultsBothWays() {
        var pair = Pair()
        var random = SplitMix64(0x5CA9)
        let specials = Array(#"{}[]":,\ u0-1.eE+tfn"#.utf8) + [0x00, 0x0A, 0x7F, 0x80, 0xC3, 0xFF]
        for base in [FlatLine.process, FlatLine.connection, FlatLine.registry] {
            let original = Array(base.text.utf8)
            for round in 0..<1_500 {
                var line = original
                for _ in 0...(Int(random.next() % 3)) {
                    let at = Int(random.next() % UInt64(line.count))
                    switch random.next() % 4 {
                    case 0: line.remove(at: at)
                    case 1: line.insert(line[at], at: at)
                    case 2: line[at] = specials[Int(random.next() % UInt64(specials.count))]
                    default: line.insert(specials[Int(random.next() % UInt64(specials.count))], at: at)
                    }
                    if line.isEmpty { line = [UInt8(ascii: "{")] }
                }
                pair.assertSame(line, "mutation \(round)")
            }
            for round in 0..<200 {
                pair.assertSame(Array(base.shuffled(seed: UInt64(round)).text.utf8), "shuffle \(round)")
            }
        }
        XCTAssertGreaterThan(pair.direct.flatCounts.built, 500)
    }
}

/// A flat NXLog Sysmon record as ordered key/value pairs (values as raw JSON), to vary.
private struct FlatLine {
    var pairs: [(key: String, raw: String)]

    var keys: [String] { pairs.map(\.key) }
    var text: String { text(separator: ",", colon: ":", open: "{", close: "}") }

    func text(separator: String, colon: String, open: String, close: String) -> String {
        open + pairs.map { "\"\($0.key)\"" + colon + $0.raw }.joined(separator: separator) + close
    }

    func removing(_ key: String) -> FlatLine { FlatLine(pairs: pairs.filter { $0.key != key }) }
    func replacing(_ key: String, raw: String) -> FlatLine {
        FlatLine(pairs: pairs.map { $0.key == key ? (key, raw) : $0 })
    }
    func appending(_ key: String, raw: String) -> FlatLine { FlatLine(pairs: pairs + [(key, raw)]) }
    func reversed() -> FlatLine { FlatLine(pairs: pairs.reversed()) }
    func shuffled(seed: UInt64) -> FlatLine {
        var random = SplitMix64(seed)
        var copy = pairs
        for i in stride(from: copy.count - 1, to: 0, by: -1) { copy.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        return FlatLine(pairs: copy)
    }

    /// Parses a one-level JSON object written by `hunt generate` (values kept as raw text).
    init(pairs: [(key: String, raw: String)]) { self.pairs = pairs }
    init(_ json: String) {
        let object = try! JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        // Keep the line's own order: find each key's position in the text.
        let ordered = object.keys.sorted { json.range(of: "\"\($0)\":")!.lowerBound < json.range(of: "\"\($1)\":")!.lowerBound }
        pairs = ordered.map { key in
            let value = object[key]!
            let data = try! JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes])
            return (key, String(String(decoding: data, as: UTF8.self).dropFirst().dropLast()))
        }
    }

    static let process = FlatLine(#"{"SeverityValue":2,"EventReceivedTime":"2026-10-31 19:00:04","EventID":1,"ProviderGuid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}","ExecutionProcessID":3392,"Channel":"Microsoft-Windows-Sysmon/Operational","host":"wec.corp.example","Keywords":-9223372036854775808,"SourceName":"Microsoft-Windows-Sysmon","@timestamp":"2026-11-01T00:00:04.986Z","RecordNumber":1267036,"Hostname":"WS-0009.corp.example","tags":["mordorDataset"],"RuleName":"-","UtcTime":"2026-11-01 00:00:01.902","ProcessGuid":"{b2e797f1-8101-6ae6-7005-000000000800}","ProcessId":628,"Image":"C:\\Windows\\System32\\services.exe","FileVersion":"10.0.19041.3636 (WinBuild.160101.0800)","Description":"Services and Controller app","Product":"Microsoft® Windows® Operating System","Company":"Microsoft Corporation","OriginalFileName":"services.exe","CommandLine":"C:\\Windows\\system32\\services.exe -k \"a b\"","CurrentDirectory":"C:\\Windows\\system32\\","User":"NT AUTHORITY\\SYSTEM","LogonGuid":"{b2e797f1-8101-6ae6-e703-000000000000}","LogonId":"0x3e7","TerminalSessionId":"0","IntegrityLevel":"System","Hashes":"SHA1=199071A1C9DDD11C989AB0574F6617D76A9A8656,MD5=3C69EABCA3B7E9EF59942DE8BEB2E2CD","ParentProcessGuid":"{b2e797f1-8100-6ae6-6e05-000000000800}","ParentProcessId":"492","ParentImage":"C:\\Windows\\System32\\wininit.exe","ParentCommandLine":"wininit.exe","ParentUser":"NT AUTHORITY\\SYSTEM"}"#)

    static let connection = FlatLine(#"{"EventID":3,"Channel":"Microsoft-Windows-Sysmon/Operational","SourceName":"Microsoft-Windows-Sysmon","RecordNumber":77,"Hostname":"SRV-0001.corp.example","tags":["mordorDataset"],"UtcTime":"2026-11-01 00:00:02.100","ProcessGuid":"{b2e797f1-8101-6ae6-7005-000000000800}","ProcessId":"628","Image":"C:\\Windows\\System32\\services.exe","User":"NT AUTHORITY\\SYSTEM","Protocol":"tcp","Initiated":"false","SourceIsIpv6":"false","SourceIp":"10.1.2.3","SourceHostname":"WS-0009.corp.example","SourcePort":"49712","SourcePortName":"-","DestinationIsIpv6":"false","DestinationIp":"10.1.0.5","DestinationHostname":"-","DestinationPort":"135","DestinationPortName":"epmap"}"#)

    static let registry = FlatLine(#"{"EventID":13,"Channel":"Microsoft-Windows-Sysmon/Operational","SourceName":"Microsoft-Windows-Sysmon","RecordNumber":78,"Hostname":"SRV-0001.corp.example","EventType":"SetValue","UtcTime":"2026-11-01 00:00:03.100","ProcessGuid":"{b2e797f1-8101-6ae6-7005-000000000800}","ProcessId":628,"Image":"C:\\Windows\\System32\\services.exe","TargetObject":"HKLM\\Software\\x\\Run","Details":"C:\\x.exe"}"#)
}
