import XCTest
@testable import Ingest

/// `RepeatedBytesCache` hands back a kept value only for exactly the bytes and tag it was made
/// from: a slot shared by other keys, another tag or another length never answers for them.
final class RepeatedBytesCacheTests: XCTestCase {
    private func value(_ cache: inout RepeatedBytesCache<String>, _ text: String, tag: UInt8 = 0, made: inout [String]) -> String {
        Array(text.utf8).withUnsafeBytes { bytes in
            cache.value(for: bytes, tag: tag) {
                made.append("\(tag):\(text)")
                return "\(tag):\(text)"
            }
        }
    }

    func testSameBytesAndTag_madeOnce() {
        var cache = RepeatedBytesCache<String>(slots: 64)
        var made: [String] = []
        for _ in 0..<3 {
            XCTAssertEqual(value(&cache, "C:\\Windows\\system32\\svchost.exe -k netsvcs", made: &made), "0:C:\\Windows\\system32\\svchost.exe -k netsvcs")
            XCTAssertEqual(value(&cache, "", made: &made), "0:")
        }
        XCTAssertEqual(made, ["0:C:\\Windows\\system32\\svchost.exe -k netsvcs", "0:"])
    }

    func testOneSlot_everyOtherKeyIsMadeAgain() {
        // One slot: every key lands in it, so each one replaces the last.
        var cache = RepeatedBytesCache<String>(slots: 1)
        var made: [String] = []
        let texts = ["abcdefgh", "abcdefgi", "abcdefg", "abcdefghX", "short", "", "abcdefgh"]
        for text in texts { XCTAssertEqual(value(&cache, text, made: &made), "0:" + text) }
        XCTAssertEqual(made, texts.map { "0:" + $0 })
    }

    func testOtherTag_isAnotherKey() {
        var cache = RepeatedBytesCache<String>(slots: 1)
        var made: [String] = []
        XCTAssertEqual(value(&cache, "NT AUTHORITY\\\\SYSTEM", tag: 2, made: &made), "2:NT AUTHORITY\\\\SYSTEM")
        XCTAssertEqual(value(&cache, "NT AUTHORITY\\\\SYSTEM", tag: 3, made: &made), "3:NT AUTHORITY\\\\SYSTEM")
        XCTAssertEqual(value(&cache, "NT AUTHORITY\\\\SYSTEM", tag: 3, made: &made), "3:NT AUTHORITY\\\\SYSTEM")
        XCTAssertEqual(made.count, 2)
    }

    func testRandomKeys_alwaysTheirOwnValue() {
        var cache = RepeatedBytesCache<String>(slots: 4)
        var generator = SystemRandomNumberGenerator()
        var made: [String] = []
        let pool = (0..<40).map { n in String(repeating: "x", count: n % 13) + "\(n % 7)" + (n % 3 == 0 ? "\\path" : "") }
        for _ in 0..<2_000 {
            let text = pool[Int.random(in: 0..<pool.count, using: &generator)]
            let tag = UInt8.random(in: 0...1, using: &generator)
            XCTAssertEqual(value(&cache, text, tag: tag, made: &made), "\(tag):\(text)")
        }
        XCTAssertLessThan(made.count, 2_000, "some keys came back while still in their slot")
    }

    func testLongKey_isNeverKept() {
        var cache = RepeatedBytesCache<String>(slots: 64)
        var made: [String] = []
        let long = String(repeating: "A", count: RepeatedBytesCache<String>.longestKey + 1)
        let longest = String(repeating: "B", count: RepeatedBytesCache<String>.longestKey)
        for _ in 0..<3 {
            XCTAssertEqual(value(&cache, long, made: &made), "0:" + long)
            XCTAssertEqual(value(&cache, longest, made: &made), "0:" + longest)
        }
        XCTAssertEqual(made, ["0:" + long, "0:" + longest, "0:" + long, "0:" + long])
    }
}
