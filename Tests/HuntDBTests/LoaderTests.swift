import XCTest
import CZlib
import HuntDB

final class LoaderTests: XCTestCase {
    private func sampleLines(count: Int, host: String = "WS1.corp.example") -> [String] {
        (0..<count).map { i in
            i % 2 == 0
                ? SysmonFixture.process(host: host, record: i + 1, ms: i * 10, guid: String(format: "{00000000-0000-0000-0000-%012d}", i),
                                        image: #"C:\Windows\System32\cmd.exe"#)
                : SysmonFixture.network(host: host, record: i + 1, ms: i * 10)
        }
    }

    func testLoad_countsAddUpPerFileAndInTotal() throws {
        let scratch = try Scratch()
        let a = try scratch.write("a.json", lines: sampleLines(count: 10) + [#"{"EventID":10,"SourceName":"Microsoft-Windows-Sysmon","Hostname":"WS1"}"#])
        let b = try scratch.write("b.json", lines: ["{not json", SysmonFixture.process(record: 99, ms: 1, guid: "{00000000-0000-0000-0000-000000000099}", image: "x.exe")])
        let (store, report) = try scratch.load([a, b])
        XCTAssertEqual(report.sources.map(\.counts.read), [11, 2])
        XCTAssertEqual(report.sources.map(\.counts.loaded), [10, 1])
        XCTAssertEqual(report.sources.map(\.counts.notRelevant), [1, 0])
        XCTAssertEqual(report.sources.map(\.counts.rejected), [0, 1])
        XCTAssertTrue(report.sources.allSatisfy { $0.counts.addsUp })
        XCTAssertTrue(report.totals.addsUp)
        // The sources table holds the same counts.
        XCTAssertEqual(try store.column("SELECT records_read || '=' || records_loaded || '+' || records_duplicate || '+' || records_not_relevant || '+' || records_rejected FROM sources ORDER BY source_id"),
                       ["11=10+0+1+0", "2=1+0+0+1"])
        XCTAssertEqual(try store.column("SELECT status FROM sources"), ["complete", "complete"])
    }

    func testLoad_sameFileTwiceStoresEachEventOnce() throws {
        let scratch = try Scratch()
        let a = try scratch.write("a.json", lines: sampleLines(count: 20))
        let (store, first) = try scratch.load([a])
        XCTAssertEqual(first.totals.loaded, 20)
        let second = try Loader(store: store).load([a])
        XCTAssertEqual(second.totals.loaded, 0)
        XCTAssertEqual(second.totals.duplicates, 20)
        XCTAssertEqual(try store.count("processes") + store.count("network_connections"), 20)
    }

    func testLoad_overlappingExportsInDifferentDialectsDeduplicate() throws {
        let scratch = try Scratch()
        let flat = SysmonFixture.process(record: 5, ms: 0, guid: "{11111111-0000-0000-0000-000000000001}", image: "C:\\a.exe")
        func xml(_ data: [(String, String)]) -> String {
            "<Event><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID><EventRecordID>5</EventRecordID>"
                + "<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ws1.CORP.example</Computer></System><EventData>"
                + data.map { "<Data Name='\($0.0)'>\($0.1)</Data>" }.joined() + "</EventData></Event>"
        }
        // The same event as the flat line, every field of it, in Windows XML.
        let same = xml([("UtcTime", "2026-11-01 10:00:00.000"), ("ProcessGuid", "{11111111-0000-0000-0000-000000000001}"),
                        ("ProcessId", "4242"), ("Image", "C:\\a.exe"), ("CommandLine", "\"C:\\a.exe\""),
                        ("CurrentDirectory", "C:\\Windows\\system32\\"), ("User", "NT AUTHORITY\\SYSTEM"),
                        ("IntegrityLevel", "System"), ("ParentProcessGuid", SysmonFixture.servicesGuid), ("ParentProcessId", "700"),
                        ("ParentImage", SysmonFixture.services), ("ParentCommandLine", SysmonFixture.services)])
        let (store, report) = try scratch.load([try scratch.write("a.json", lines: [flat]), try scratch.write("a.xml", text: same)])
        XCTAssertEqual(report.totals.loaded, 1)
        XCTAssertEqual(report.totals.duplicates, 1, "same host (case-insensitive), EventRecordID, time and content")
        XCTAssertEqual(try store.count("hosts"), 1)

        // An export that lost fields is another event under the same record id: kept, and said.
        let thinner = xml([("UtcTime", "2026-11-01 10:00:00.000"), ("ProcessGuid", "{11111111-0000-0000-0000-000000000001}"),
                           ("Image", "C:\\a.exe")])
        let more = try Loader(store: store).load([try scratch.write("b.xml", text: thinner)])
        XCTAssertEqual(more.totals.loaded, 1)
        XCTAssertEqual(more.totals.colliding, 1)
    }

    func testLoad_recordsWithoutRecordIDDeduplicateByContent() throws {
        let scratch = try Scratch()
        var fields = try JSONSerialization.jsonObject(with: Data(SysmonFixture.process(record: 1, ms: 0, guid: "{11111111-0000-0000-0000-000000000002}", image: "C:\\b.exe").utf8)) as! [String: Any]
        fields["RecordNumber"] = nil
        let line = SysmonFixture.line(fields)
        var other = fields
        other["CommandLine"] = "b.exe /other"
        let (store, report) = try scratch.load([try scratch.write("a.json", lines: [line, line, SysmonFixture.line(other)])])
        XCTAssertEqual(report.totals.loaded, 2)
        XCTAssertEqual(report.totals.duplicates, 1)
        XCTAssertEqual(try store.column("SELECT typeof(record_key) FROM processes"), ["blob", "blob"])
    }

    func testLoad_badRecordsAreRejectedWithFileLineAndReasonAndTheRestLoads() throws {
        let scratch = try Scratch()
        let good = sampleLines(count: 4)
        let badPort = SysmonFixture.network(record: 50, ms: 0, extra: ["DestinationPort": "abc"])
        let badTime = SysmonFixture.process(record: 51, ms: 0, guid: "{11111111-0000-0000-0000-000000000051}", image: "x.exe", extra: ["UtcTime": "yesterday"])
        let noGuid = SysmonFixture.process(record: 52, ms: 0, guid: "", image: "x.exe")
        let badIP = SysmonFixture.network(record: 53, ms: 0, extra: ["SourceIp": "10.0.0.999"])
        var lines = [good[0], "{\"EventID\": 1, \"Image\": ", good[1], badPort, badTime, noGuid, badIP, good[2], "[1,2]", good[3]]
        lines.insert("\u{FF}\u{FE}", at: 2)  // replaced below by raw invalid UTF-8 bytes
        var bytes: [UInt8] = []
        for (i, line) in lines.enumerated() {
            bytes += i == 2 ? [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D] : Array(line.utf8)
            bytes.append(0x0A)
        }
        let path = try scratch.write("mixed.json", bytes: bytes)
        let (store, report) = try scratch.load([path])
        let source = report.sources[0]
        XCTAssertEqual(source.counts.read, 11)
        XCTAssertEqual(source.counts.loaded, 4)
        XCTAssertEqual(source.counts.rejected, 7)
        XCTAssertTrue(source.counts.addsUp)
        let messages = source.firstRejects.map { $0.message(lineBased: true) }
        func expect(_ line: Int, _ fragment: String) {
            XCTAssertTrue(messages.contains { $0.hasPrefix("\(path): line \(line) ") && $0.contains(fragment) },
                          "line \(line) should be rejected with \"\(fragment)\"; got \(messages)")
        }
        expect(2, "malformed JSON")
        expect(3, "invalid UTF-8")
        expect(5, #"DestinationPort "abc" is not a port number"#)
        expect(6, #"UtcTime "yesterday" is not a valid time"#)
        expect(7, "has no ProcessGuid")
        expect(8, #"SourceIp "10.0.0.999" is not an IP address"#)
        expect(10, "expected a JSON object")
        XCTAssertEqual(try store.count("rejects"), 7)
        XCTAssertEqual(try store.column("SELECT record FROM rejects ORDER BY record"), ["2", "3", "5", "6", "7", "8", "10"])
    }

    func testLoad_gzipAndTruncatedGzip() throws {
        let scratch = try Scratch()
        let text = sampleLines(count: 400).joined(separator: "\n") + "\n"
        let compressed = try GzipFixture.compress(Array(text.utf8))
        let good = try scratch.write("good.json.gz", bytes: compressed)
        let truncated = try scratch.write("cut.json.gz", bytes: Array(compressed.prefix(compressed.count * 2 / 3)))
        let (store, report) = try scratch.load([good, truncated])
        XCTAssertEqual(report.sources[0].compression, "gzip")
        XCTAssertEqual(report.sources[0].counts.loaded, 400)
        let cut = report.sources[1]
        XCTAssertEqual(cut.status, .failed)
        XCTAssertTrue(cut.message?.contains("truncated") ?? false, cut.message ?? "")
        XCTAssertTrue(cut.counts.addsUp)
        XCTAssertGreaterThan(cut.counts.duplicates, 0, "complete records before the cut are read")
        XCTAssertEqual(try store.column("SELECT status FROM sources ORDER BY source_id"), ["complete", "failed"])
    }

    func testLoad_unknownFormatAndMissingFileFailThatSourceOnly() throws {
        let scratch = try Scratch()
        let text = try scratch.write("notes.txt", text: "hello, this is not a log\n")
        let good = try scratch.write("good.json", lines: sampleLines(count: 2))
        let (_, report) = try scratch.load([text, scratch.path("missing.json"), good])
        XCTAssertEqual(report.sources.map(\.status), [.failed, .failed, .complete])
        XCTAssertTrue(report.sources[0].message!.contains("unknown format"), report.sources[0].message!)
        XCTAssertTrue(report.sources[1].message!.contains("No such file"), report.sources[1].message!)
        XCTAssertEqual(report.totals.loaded, 2)
    }

    func testLoad_directoriesAreReadRecursivelyAndEmptyFilesAreFine() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path("logs/day2"), withIntermediateDirectories: true)
        try scratch.write("logs/a.json", lines: sampleLines(count: 2, host: "A"))
        try scratch.write("logs/day2/b.json", lines: sampleLines(count: 3, host: "B"))
        try scratch.write("logs/empty.json", text: "")
        try scratch.write("logs/.hidden.json", text: "garbage")
        let (store, report) = try scratch.load([scratch.path("logs")])
        XCTAssertEqual(report.sources.count, 3)
        XCTAssertEqual(report.totals.loaded, 5)
        XCTAssertEqual(try store.count("hosts"), 2)
    }

    func testLoad_filesInFoldersThatAreNoEventLogsAreSkippedAndListed() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path("logs"), withIntermediateDirectories: true)
        let readme = try scratch.write("logs/README.txt", text: "Exported from the lab; see the wiki.\n")
        let good = try scratch.write("logs/a.json", lines: sampleLines(count: 3))
        let notes = try scratch.write("logs/notes.txt.gz", bytes: try GzipFixture.compress(Array("not a log either\n".utf8)))
        let compressed = try GzipFixture.compress(Array((sampleLines(count: 400).joined(separator: "\n") + "\n").utf8))
        let cut = try scratch.write("logs/z.json.gz", bytes: Array(compressed.prefix(compressed.count / 2)))
        let (store, report) = try scratch.load([scratch.path("logs")])
        XCTAssertEqual(report.skippedFiles, [readme, notes])
        XCTAssertEqual(report.sources.map(\.path), [good, cut], "a damaged log in a folder fails, it is not skipped")
        XCTAssertEqual(report.sources.map(\.status), [.complete, .failed])
        XCTAssertTrue(report.sources[1].message?.contains("truncated") ?? false, report.sources[1].message ?? "")
        XCTAssertEqual(try store.column("SELECT path FROM sources ORDER BY source_id"), [good, cut])
        // Named on the command line, the same file is a failed source.
        let named = try Loader(store: store).load([readme])
        XCTAssertEqual(named.skippedFiles, [])
        XCTAssertEqual(named.sources.map(\.status), [.failed])
        XCTAssertTrue(named.sources[0].message?.hasPrefix("unknown format") ?? false, named.sources[0].message ?? "")
        // A forced format skips nothing: every file is read as that format.
        var options = LoadOptions()
        options.format = .sysmonFlat
        let forced = try Loader(store: store, options: options).load([scratch.path("logs")])
        XCTAssertEqual(forced.skippedFiles, [])
        XCTAssertEqual(forced.sources.map(\.path), [readme, good, notes, cut])
    }

    func testLoad_aFileFoundInAFolderIsOpenedOnce() throws {
        // A named pipe hands its bytes to one reader: opened a second time, it waits for a writer
        // that never comes, and then (once the watchdog below opens it) reads as empty.
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path("logs"), withIntermediateDirectories: true)
        let pipe = scratch.path("logs/pipe.json")
        XCTAssertEqual(mkfifo(pipe, 0o600), 0, String(cString: strerror(errno)))
        let bytes = Array((sampleLines(count: 4).joined(separator: "\n") + "\n").utf8)
        Thread {
            let fd = open(pipe, O_WRONLY)  // waits for the loader to open the pipe
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }.start()
        let finished = DispatchSemaphore(value: 0)
        Thread {
            // Lets a load stuck in a second opening end instead of hanging the test.
            if finished.wait(timeout: .now() + 20) == .timedOut { close(open(pipe, O_WRONLY | O_NONBLOCK)) }
        }.start()
        let (_, report) = try scratch.load([scratch.path("logs")])
        finished.signal()
        XCTAssertEqual(report.sources.map(\.status), [.complete])
        XCTAssertEqual(report.totals.loaded, 4, "the records reach the load only when the pipe is opened once")
    }

    func testLoad_maxErrorsStopsEarlyAndSaysSo() throws {
        let scratch = try Scratch()
        let lines = (0..<50).map { _ in "{broken" } + sampleLines(count: 10)
        var options = LoadOptions()
        options.maxErrors = 5
        options.batchSize = 4
        let (_, report) = try scratch.load([try scratch.write("bad.json", lines: lines)], options: options)
        XCTAssertTrue(report.stoppedAtMaxErrors)
        XCTAssertEqual(report.sources[0].status, .interrupted)
        XCTAssertLessThan(report.sources[0].counts.read, 60)
        XCTAssertTrue(report.sources[0].counts.addsUp)
    }

    func testLoad_oversizedLineIsRejectedWithoutStoppingTheFile() throws {
        let scratch = try Scratch()
        let huge = "{\"EventID\":1,\"CommandLine\":\"" + String(repeating: "A", count: 70 << 20) + "\"}"
        let (store, report) = try scratch.load([try scratch.write("huge.json", lines: [sampleLines(count: 1)[0], huge, sampleLines(count: 2)[1]])])
        XCTAssertEqual(report.sources[0].counts.read, 3)
        XCTAssertEqual(report.sources[0].counts.rejected, 1)
        XCTAssertTrue(report.sources[0].firstRejects[0].reason.contains("longer than 64 MiB"))
        XCTAssertEqual(try store.count("processes") + store.count("network_connections"), 2)
    }
}
