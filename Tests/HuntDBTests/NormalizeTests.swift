import XCTest
import HuntDB
@testable import Model

final class NormalizeTests: XCTestCase {
    func testCommandLineSplitter_matchesCommandLineToArgvW() {
        let cases: [(String, [String])] = [
            (#"C:\Windows\system32\cmd.exe /c whoami"#, [#"C:\Windows\system32\cmd.exe"#, "/c", "whoami"]),
            (#""C:\Program Files\App\app.exe" -x "a b""#, [#"C:\Program Files\App\app.exe"#, "-x", "a b"]),
            // The program name takes no escapes: backslashes and the first quote pair only.
            (#""C:\dir\"x y"#, [#"C:\dir\"#, "x", "y"]),
            (#"prog a\\\"b"#, ["prog", #"a\"b"#]),           // 3 backslashes + quote → \ and literal quote
            (#"prog a\\\\"b c" d"#, ["prog", #"a\\b c"#, "d"]), // 4 backslashes + quote → \\ and quoting
            (#"prog a\b\c"#, ["prog", #"a\b\c"#]),             // backslashes not before a quote are literal
            (#"prog "a""b""#, ["prog", #"a"b"#]),              // "" inside quotes → literal quote
            ("prog \"\" x", ["prog", "", "x"]),                 // an empty quoted argument
            ("prog\t a  \t b ", ["prog", "a", "b"]),
            ("prog", ["prog"]),
            ("", []),
            (#"prog "unterminated arg"#, ["prog", "unterminated arg"]),
        ]
        for (line, expected) in cases {
            XCTAssertEqual(CommandLineSplitter.split(line), expected, "splitting \(line)")
        }
    }

    func testCanonicalEntityID_oneSpellingForEveryGUIDForm() {
        let forms = ["{D273D0F0-E865-5F64-0B00-000000000800}", "d273d0f0-e865-5f64-0b00-000000000800",
                     "D273D0F0-E865-5F64-0B00-000000000800", "{d273d0f0-e865-5f64-0b00-000000000800}"]
        XCTAssertEqual(Set(forms.map(Canonical.entityID)), ["d273d0f0-e865-5f64-0b00-000000000800"])
        // Elastic Defend ids are case-sensitive and not GUIDs: kept as given.
        XCTAssertEqual(Canonical.entityID("MzQ1NjctQUJD=="), "MzQ1NjctQUJD==")
        XCTAssertEqual(Canonical.entityID("{not-a-guid}"), "{not-a-guid}")
    }

    func testCanonicalIP_standardTextForm() {
        XCTAssertEqual(Canonical.ipAddress("0:0:0:0:0:0:0:1"), "::1")
        XCTAssertEqual(Canonical.ipAddress("FE80:0:0:0:0:0:0:1"), "fe80::1")
        XCTAssertEqual(Canonical.ipAddress("10.0.0.5"), "10.0.0.5")
        XCTAssertEqual(Canonical.ipAddress("::ffff:127.0.0.1"), "::ffff:127.0.0.1")
        XCTAssertEqual(Canonical.ipAddress("fe80::1%12"), "fe80::1%12")
        XCTAssertEqual(Canonical.ipAddress("ff02::1%eth0"), "ff02::1%eth0")
        // A zone means nothing on loopback, IPv4 or global addresses: dropped, so it cannot hide loopback.
        XCTAssertEqual(Canonical.ipAddress("::1%1"), "::1")
        XCTAssertEqual(Canonical.ipAddress("127.0.0.1%2"), "127.0.0.1")
        XCTAssertEqual(Canonical.ipAddress("::ffff:127.0.0.1%lo"), "::ffff:127.0.0.1")
        XCTAssertEqual(Canonical.ipAddress("2001:db8::5%3"), "2001:db8::5")
        XCTAssertNil(Canonical.ipAddress("10.0.0.256"))
        XCTAssertNil(Canonical.ipAddress("abc"))
    }

    func testCanonicalDirection_sysmonAndECSSpellings() {
        XCTAssertEqual(Canonical.direction("false"), "incoming")
        XCTAssertEqual(Canonical.direction("true"), "outgoing")
        XCTAssertEqual(Canonical.direction("Ingress"), "incoming")
        XCTAssertEqual(Canonical.direction("egress"), "outgoing")
        XCTAssertEqual(Canonical.direction("incoming"), "incoming")
        XCTAssertNil(Canonical.direction("sideways"))
    }

    func testCanonicalPort_rangeAndType() {
        XCTAssertEqual(Canonical.port("49152"), 49152)
        XCTAssertEqual(Canonical.port("0"), 0)
        XCTAssertNil(Canonical.port("65536"))
        XCTAssertNil(Canonical.port("abc"))
        XCTAssertNil(Canonical.port("-1"))
    }

    func testTimestamp_sysmonUtcTimeAndISO8601() {
        XCTAssertEqual(Timestamp.parseMicros("1970-01-01 00:00:00.000"), 0)
        XCTAssertEqual(Timestamp.parseMicros("2020-09-20 16:16:56.597"), 1_600_618_616_597_000)
        XCTAssertEqual(Timestamp.parseMicros("2020-09-20T16:16:56.597Z"), 1_600_618_616_597_000)
        // Windows SystemTime has 7 fractional digits: truncated to microseconds.
        XCTAssertEqual(Timestamp.parseMicros("2020-09-20T16:16:56.5971239Z"), 1_600_618_616_597_123)
        XCTAssertEqual(Timestamp.parseMicros("2020-09-20T18:16:56.597+02:00"), 1_600_618_616_597_000)
        XCTAssertEqual(Timestamp.parseMicros("1601-01-01T00:00:00Z"), -11_644_473_600_000_000)
        XCTAssertEqual(Timestamp.parseMicros("9999-12-31T23:59:59Z"), 253_402_300_799_000_000)
        XCTAssertNil(Timestamp.parseMicros("2020-02-30 00:00:00"))
        XCTAssertNil(Timestamp.parseMicros("yesterday"))
        XCTAssertNil(Timestamp.parseMicros("0000-01-01T00:00:00Z"))
        XCTAssertEqual(Timestamp.iso8601(micros: 1_600_618_616_597_000), "2020-09-20T16:16:56.597Z")
        XCTAssertEqual(Timestamp.iso8601(micros: -11_644_473_600_000_000), "1601-01-01T00:00:00.000Z")
    }

    func testPathName_basenameForBothSeparators() {
        XCTAssertEqual(PathName.basename(#"C:\Windows\System32\services.exe"#), "services.exe")
        XCTAssertEqual(PathName.basename("/usr/bin/ssh"), "ssh")
        XCTAssertEqual(PathName.basename("cmd.exe"), "cmd.exe")
    }

    func testSHA256_knownVectors() {
        XCTAssertEqual(SHA256.hash(Array("abc".utf8)).hexString, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hash([UInt8]()).hexString, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        XCTAssertEqual(SHA256.hash(long).hexString, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var streaming = SHA256()
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        million.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = min(777, raw.count - offset)
                streaming.update(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + n]))
                offset += n
            }
        }
        XCTAssertEqual(streaming.finalize().hexString, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
