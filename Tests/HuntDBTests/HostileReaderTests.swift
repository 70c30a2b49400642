import XCTest
import HuntDB
@testable import Model
@testable import Ingest
@testable import Normalize
@testable import Generate

/// Reader-level cases of issue 18 (items 2, 3, 5, 6, 7) that the CLI tests do not reach:
/// EVTX duplicates, nested JSON dialects, the relevance probe and the decoders' edges.
final class HostileReaderTests: XCTestCase {
    private static let servicesGuid = "{d273d0f0-e865-5f64-0b00-000000000800}"

    private static func child(extra: [WindowsEvent.DataItem] = []) -> WindowsEvent {
        WindowsEvent(providerName: "Microsoft-Windows-Sysmon", eventID: "1", timeCreated: "2020-09-20T16:16:56.597Z",
                     recordID: "11", channel: "Microsoft-Windows-Sysmon/Operational", computer: "WS6.corp.example",
                     data: [.init(name: "UtcTime", value: "2020-09-20 16:16:56.597"),
                            .init(name: "ProcessGuid", value: "{d273d0f0-8078-5f67-cb06-000000000800}"),
                            .init(name: "Image", value: #"C:\Windows\System32\cmd.exe"#),
                            .init(name: "ParentProcessGuid", value: servicesGuid),
                            .init(name: "ParentImage", value: #"C:\Windows\System32\services.exe"#)] + extra)
    }

    func testDuplicates_evtxEventDataRepeatingAMappedNameIsRejected() throws {
        let scratch = try Scratch()
        let forged = Self.child(extra: [.init(name: "ParentImage", value: #"C:\Windows\explorer.exe"#)])
        var plain = Self.child()
        plain.recordID = "12"
        let unmappedRepeat = { var e = Self.child(extra: [.init(name: "RuleName", value: "a"), .init(name: "RuleName", value: "b")]); e.recordID = "13"; return e }()
        let path = try scratch.write("forged.evtx", bytes: try EVTXTestSupport.write([forged, plain, unmappedRepeat]))
        let (store, report) = try scratch.load([path])
        let source = try XCTUnwrap(report.sources.first)
        XCTAssertEqual(source.counts.read, 3)
        XCTAssertEqual(source.counts.loaded, 2, "a repeated name we do not map changes nothing")
        XCTAssertEqual(source.firstRejects.map(\.reason), ["the record repeats the field ParentImage (readers disagree on which value counts)"])
        XCTAssertEqual(source.firstRejects.map(\.record), [1])
        XCTAssertEqual(try store.count("processes"), 2)
    }

    func testDuplicates_nestedDialectsNameThePathAndRepeatedObjects() throws {
        var decoder = JSONRecordDecoder()
        let cases: [(String, String)] = [
            (#"{"winlog":{"event_id":1,"event_data":{"Image":"a","Image":"b"}}}"#, "winlog.event_data.Image"),
            (#"{"winlog":{"event_id":7},"winlog":{"event_id":1}}"#, "winlog"),
            (#"{"event":{"category":"process","type":"start"},"process.entity_id":"x","process":{"entity_id":"y"}}"#, "process.entity_id"),
            (#"{"_source":{"EventID":7},"_source":{"EventID":1}}"#, "_source"),
        ]
        for (json, field) in cases {
            var results: [NormalizeResult] = []
            Array(json.utf8).withUnsafeBytes { bytes in decoder.decode(bytes) { result, _ in results.append(result) } }
            XCTAssertEqual(results.count, 1, json)
            guard case .rejected(let reason) = results.first else { return XCTFail("\(json): \(results)") }
            XCTAssertEqual(reason, "the record repeats the field \(field) (readers disagree on which value counts)", json)
        }
    }

    func testProbe_neverSkipsWhatAParserWouldReadAsAnotherEvent() {
        let trusted = #"{"EventID":7,"Image":"C:\\Users\\x.exe"}"#
        let escapedKey = #"{"EventI\u0044":1,"EventID":7}"#
        let concatenated = #"{"EventID":7}{"event":{"category":"process"}}"#
        let spaced = #"{"EventID":7} {"x":1}"#
        for (json, irrelevant) in [(trusted, true), (escapedKey, false), (concatenated, false), (spaced, false)] {
            Array(json.utf8).withUnsafeBytes { XCTAssertEqual(RelevanceProbe.isCertainlyIrrelevant($0), irrelevant, json) }
        }
    }

    func testTape_rejectsInvalidEscapesLoneSurrogatesAndNumbers() {
        let cases: [(String, String)] = [
            (#"{"a":"C:\Windows"}"#, #"invalid escape \W in a string"#),
            (#"{"a":"\u12"}"#, #"invalid escape \u12"} in a string"#),
            (#"{"a":"\ud800x"}"#, #"lone surrogate \ud800 in a string"#),
            (#"{"a":"\udc00"}"#, #"lone surrogate \udc00 in a string"#),
            (#"{"a":01}"#, "malformed number 01"),
            (#"{"a":-}"#, "malformed number -"),
            (#"{"a":1.e5}"#, "malformed number 1.e5"),
            (#"{"a":1e}"#, "malformed number 1e"),
            (#"{"a":+1}"#, "unexpected character '+'"),
        ]
        var tape = JSONTape()
        for (json, message) in cases {
            do {
                try Array(json.utf8).withUnsafeBytes { try tape.parse($0) }
                XCTFail("\(json) parsed")
            } catch let error as JSONSyntaxError {
                XCTAssertEqual(error.message, message, json)
                // Escapes are reported at their backslash, numbers where they start (after `{"a":`).
                let backslash = json.utf8.firstIndex(of: UInt8(ascii: "\\")).map { json.utf8.distance(from: json.utf8.startIndex, to: $0) }
                XCTAssertEqual(error.offset, backslash ?? 5, json)
            } catch {
                XCTFail("\(json): \(error)")
            }
        }
        for json in [#"{"a":"\ud83d\ude00 \/ \" \\ \b\f\n\r\t"}"#, #"{"a":[0,-0,1.5,-2e10,3E+2,4e-1,10]}"#] {
            XCTAssertNoThrow(try Array(json.utf8).withUnsafeBytes { try tape.parse($0) }, json)
        }
    }

    func testTextDecoding_utf16IsDetectedAndLoneSurrogatesStayInvalid() throws {
        let le = Array("{\"a\":1}".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        XCTAssertTrue(TextEncodingSniff.detect(le) == (.utf16LE, 0))
        XCTAssertTrue(TextEncodingSniff.detect([0xFE, 0xFF, 0, 0x7B]) == (.utf16BE, 2))
        XCTAssertTrue(TextEncodingSniff.detect([0xEF, 0xBB, 0xBF, 0x7B]) == (.utf8, 3))
        XCTAssertTrue(TextEncodingSniff.detect(Array("{\"a\":1}".utf8)) == (.utf8, 0))
        // A lone surrogate (0xD800) then 'A', and an odd last byte: both become invalid UTF-8.
        let input = UTF16Input(source: EVTXMemoryInput([0x00, 0xD8, 0x41, 0x00, 0x42], maxRead: 3), bigEndian: false)
        var decoded: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2)
        while case let n = try chunk.withUnsafeMutableBytes({ try input.read(into: $0) }), n > 0 { decoded += chunk[..<n] }
        XCTAssertEqual(decoded.withUnsafeBytes { UTF8Validation.firstInvalidOffset($0) }, 0)
        XCTAssertEqual(Array(decoded.dropFirst(3)), [0x41, 0xFF])
    }

    func testTape_boundsTheValuesOfOneRecord() {
        var tape = JSONTape()
        let limit = JSONTape.maxValues
        // An array holds itself plus its elements: limit - 1 elements fit, one more does not.
        let fits = "[" + Array(repeating: "1", count: limit - 1).joined(separator: ",") + "]"
        let over = "[" + Array(repeating: "1", count: limit).joined(separator: ",") + "]"
        XCTAssertNoThrow(try Array(fits.utf8).withUnsafeBytes { try tape.parse($0) })
        XCTAssertThrowsError(try Array(over.utf8).withUnsafeBytes { try tape.parse($0) }) { error in
            XCTAssertEqual((error as? JSONSyntaxError)?.message,
                           "the record holds more than \(limit) JSON values; it is not one event (or one search response)")
            XCTAssertEqual((error as? JSONSyntaxError)?.offset, 2 * limit - 1, "the offset of the first value too many")
        }
    }

    func testDuplicates_evtxSystemFieldGivenTwiceIsRejected() {
        /// An event rendered from BinXML: System with `ids` as EventID elements in order, then a
        /// Sysmon-shaped EventData.
        func rendered(_ ids: [String]) -> WindowsEvent {
            var builder = EVTXEventBuilder()
            func element(_ name: EVTXName, _ text: String) {
                builder.open(name)
                builder.closeStart()
                builder.append(text)
                builder.end()
            }
            builder.open(.event); builder.closeStart()
            builder.open(.system); builder.closeStart()
            builder.open(.provider); builder.attribute(.name); builder.append("Microsoft-Windows-Sysmon"); builder.closeEmpty()
            for id in ids { element(.eventID, id) }
            element(.eventRecordID, "5")
            element(.computer, "WS1")
            builder.end()
            builder.end()
            return builder.event
        }
        XCTAssertNil(rendered(["1"]).repeatedSystemField)
        let forged = rendered(["7", "1"])
        XCTAssertEqual(forged.eventID, "1")
        XCTAssertEqual(forged.repeatedSystemField, "EventID")
        XCTAssertEqual(SysmonNormalizer.normalize(forged), .rejected(FieldProblem.repeated("EventID").message))
    }
}

