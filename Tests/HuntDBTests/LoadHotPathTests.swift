import Foundation
@testable import Model
@testable import Store
import XCTest

/// The load's hot-path helpers (issue 14): the byte-keyed intern cache, the dictionary writes
/// through it, and the JSON text writer and unescaper that replaced slower code with the same output.
final class LoadHotPathTests: XCTestCase {
    private func withBytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    func testInternCache_findsWhatItHolds_byExactBytes() {
        var cache = InternCache(capacity: 100)
        let texts = ["", "a", "C:\\Windows\\System32\\svchost.exe", "c:\\windows\\system32\\svchost.exe",
                     "exactly8", "exactly8!", String(repeating: "x", count: 1000), "é", "e\u{301}"]
        for (i, text) in texts.enumerated() {
            withBytes(text) { bytes in
                XCTAssertNil(cache.id(for: bytes, hash: InternCache.hash(bytes)), text)
                cache.insert(bytes, hash: InternCache.hash(bytes), id: Int64(i + 1))
            }
        }
        XCTAssertEqual(cache.count, texts.count)
        for (i, text) in texts.enumerated() {
            // A copy with other storage: found by its bytes, not by identity.
            let copy = String(decoding: Array(text.utf8), as: UTF8.self)
            withBytes(copy) { XCTAssertEqual(cache.id(for: $0, hash: InternCache.hash($0)), Int64(i + 1), text) }
        }
        // Canonically equivalent but different bytes stay apart (SQLite compares bytes too).
        withBytes("é") { XCTAssertEqual(cache.id(for: $0, hash: InternCache.hash($0)), 8) }
        withBytes("e\u{301}") { XCTAssertEqual(cache.id(for: $0, hash: InternCache.hash($0)), 9) }
        withBytes("exactly") { XCTAssertNil(cache.id(for: $0, hash: InternCache.hash($0))) }
    }

    func testInternCache_startsOverWhenFull_andForgets() {
        var cache = InternCache(capacity: 3)
        for i in 0..<3 { withBytes("t\(i)") { cache.insert($0, hash: InternCache.hash($0), id: Int64(i)) } }
        XCTAssertEqual(cache.count, 3)
        withBytes("t3") { cache.insert($0, hash: InternCache.hash($0), id: 3) }
        XCTAssertEqual(cache.count, 1, "a full cache starts over")
        withBytes("t0") { XCTAssertNil(cache.id(for: $0, hash: InternCache.hash($0))) }
        withBytes("t3") { XCTAssertEqual(cache.id(for: $0, hash: InternCache.hash($0)), 3) }
        cache.removeAll()
        XCTAssertEqual(cache.count, 0)
        withBytes("t3") { XCTAssertNil(cache.id(for: $0, hash: InternCache.hash($0))) }
    }

    func testInternCache_startsOverAtItsByteBound_andNeverKeepsALongerText() {
        var cache = InternCache(capacity: 100, arenaLimit: 64)
        let twenty = { (n: Int) in String(repeating: "\(n)", count: 20) }
        for i in 0..<2 { withBytes(twenty(i)) { cache.insert($0, hash: InternCache.hash($0), id: Int64(i)) } }
        XCTAssertEqual(cache.count, 2, "48 bytes held with their lengths")
        withBytes(twenty(2)) { cache.insert($0, hash: InternCache.hash($0), id: 2) }
        XCTAssertEqual(cache.count, 1, "72 bytes would pass the bound: the cache started over")
        withBytes(twenty(0)) { XCTAssertNil(cache.id(for: $0, hash: InternCache.hash($0))) }
        withBytes(twenty(2)) { XCTAssertEqual(cache.id(for: $0, hash: InternCache.hash($0)), 2) }
        let long = String(repeating: "x", count: 61)
        withBytes(long) { cache.insert($0, hash: InternCache.hash($0), id: 9) }
        withBytes(long) { XCTAssertNil(cache.id(for: $0, hash: InternCache.hash($0)), "61 + 4 bytes never fit") }
        XCTAssertEqual(cache.count, 1)
    }

    func testStringDictionary_texts_areFoundByHashAfterForgetting() throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        let texts = try StringDictionary(database: store.database, table: .texts, capacity: 2)
        try store.database.transaction("test") {
            let a = try XCTUnwrap(texts.ref(#"cmd.exe /c "dir C:\""#, usuallyNew: true))
            let b = try XCTUnwrap(texts.ref(""))
            XCTAssertNotEqual(a, b)
            texts.forget()
            XCTAssertEqual(try texts.ref(#"cmd.exe /c "dir C:\""#, usuallyNew: true), a, "no unique index: looked up, not inserted")
            XCTAssertEqual(try texts.ref(""), b)
        }
        XCTAssertEqual(try store.database.scalarInt("SELECT count(*) FROM texts WHERE hash = hunt_text_hash(value)", purpose: "test"), 2)
        XCTAssertEqual(try store.database.scalarInt("SELECT count(*) FROM texts", purpose: "test"), 2)
    }

    func testInternCache_collidingSlotsProbeOn() {
        // Many keys in a small table: every slot chain is walked and each key keeps its id.
        var cache = InternCache(capacity: 2000)
        for i in 0..<2000 { withBytes("k\(i * 7919)") { cache.insert($0, hash: InternCache.hash($0), id: Int64(i)) } }
        for i in 0..<2000 { withBytes("k\(i * 7919)") { XCTAssertEqual(cache.id(for: $0, hash: InternCache.hash($0)), Int64(i)) } }
    }

    func testStringDictionary_internsOnce_andAfterForgettingFindsTheStoredRow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hotpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("d.db").path)
        let dictionary = try StringDictionary(database: store.database, table: .entities, capacity: 2)
        try store.database.transaction("test") {
            let a = try XCTUnwrap(dictionary.ref("aaaaaaaa-0000-0000-0000-000000000001", usuallyNew: true))
            let b = try XCTUnwrap(dictionary.ref("aaaaaaaa-0000-0000-0000-000000000002"))
            XCTAssertNotEqual(a, b)
            XCTAssertEqual(try dictionary.ref("aaaaaaaa-0000-0000-0000-000000000001"), a)
            dictionary.forget()
            // Not cached any more: found in the table, whether the caller expects it new or not.
            XCTAssertEqual(try dictionary.ref("aaaaaaaa-0000-0000-0000-000000000001", usuallyNew: true), a)
            XCTAssertEqual(try dictionary.ref("aaaaaaaa-0000-0000-0000-000000000002"), b)
            XCTAssertNil(try dictionary.ref(nil))
        }
        XCTAssertEqual(try store.database.scalarInt("SELECT count(*) FROM entities", purpose: "test"), 2)
    }

    func testJSONText_escapesLikeBefore() {
        XCTAssertEqual(JSONText.array([]), "[]")
        XCTAssertEqual(JSONText.array(["a", "b\"c", "C:\\x"]), #"["a","b\"c","C:\\x"]"#)
        XCTAssertEqual(JSONText.string("t\u{1}\n\r\t\u{1F}é😀"), "\"t\\u0001\\n\\r\\t\\u001fé😀\"")
        XCTAssertEqual(JSONText.string("\u{7F}/"), "\"\u{7F}/\"")
    }

    /// The word-at-a-time escaper against a byte-at-a-time one, on strings with every kind of
    /// byte at every offset of a word.
    func testJSONText_escapesLikeAByteAtATimeEscaper() {
        func naive(_ value: String) -> String {
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        // "#", "]" and "!" follow a quote, a backslash or a control byte with a byte one above
        // it (after the XOR): where the bit trick flags a byte falsely, above a real match.
        let pieces = ["a", "\\", "\"", "\u{1}", "\n", "\u{1F}", " ", "é", "😀", "\u{7F}", "C:\\Windows", "x", "#", "]", "!", "\u{20}"]
        var random = SystemRandomNumberGenerator()
        for length in 0..<40 {
            for _ in 0..<30 {
                let value = (0..<length).map { _ in pieces.randomElement(using: &random)! }.joined()
                XCTAssertEqual(JSONText.string(value), naive(value), "\(Array(value.utf8))")
            }
        }
        let plain = String(repeating: "abcdefgh", count: 5)
        for offset in 0...plain.utf8.count {
            var bytes = Array(plain.utf8)
            bytes.insert(UInt8(ascii: "\\"), at: offset)
            bytes.withUnsafeBufferPointer { XCTAssertEqual(JSONText.firstToEscape(in: $0), offset) }
        }
    }

    func testJSONString_unescapesIntoTheStringDirectly() {
        func unescape(_ raw: String) -> String { withBytes(raw) { JSONString.unescape($0) } }
        XCTAssertEqual(unescape(#"C:\\Windows\\x.exe"#), "C:\\Windows\\x.exe")
        XCTAssertEqual(unescape(#"a\"b\/c\n\t\r\b\f"#), "a\"b/c\n\t\r\u{8}\u{C}")
        XCTAssertEqual(unescape(#"\u00e9\ud83d\ude00"#), "é😀")
        XCTAssertEqual(unescape(#"\ud83d!"#), "\u{FFFD}!", "a lone surrogate")
        XCTAssertEqual(unescape(#"\x\x\x"#), "\u{FFFD}\u{FFFD}\u{FFFD}", "more bytes out than in")
        XCTAssertEqual(unescape(""), "")
        XCTAssertEqual(withBytes(#"\u0041\\"#) { JSONString.unescapedBytes($0) }, Array("A\\".utf8))
    }
}
