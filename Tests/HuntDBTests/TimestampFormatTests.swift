import Foundation
import XCTest
@testable import Model

/// `Timestamp.iso8601` writes its common case by hand (issue 17: alert times): the same text as
/// a formatter, for times across centuries, before 1970 and at the edges of a day.
final class TimestampFormatTests: XCTestCase {
    func testISO8601_matchesAFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        var g = SystemRandomNumberGenerator.Seeded(seed: 9)
        var samples: [Int64] = [0, -1_000, 86_399_999_000, 86_400_000_000, 951_782_400_000_000, 1_600_618_566_470_000,
                                253_402_300_799_999_000]
        // From 1600 (the formatter's calendar is Julian before 1582) to 9999.
        for _ in 0..<2_000 { samples.append(Int64.random(in: -11_676_096_000_000...253_402_300_799_999, using: &g) * 1000) }
        for micros in samples {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(micros / 1000) / 1000))
            XCTAssertEqual(Timestamp.iso8601(micros: micros), expected, "\(micros)")
        }
        // Truncated to the millisecond, as before.
        XCTAssertEqual(Timestamp.iso8601(micros: 1_600_618_566_470_999), "2020-09-20T16:16:06.470Z")
        XCTAssertEqual(Timestamp.iso8601(micros: -1), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Timestamp.iso8601(micros: -62_135_596_800_000_000), "0001-01-01T00:00:00.000Z")
        // Outside 0…9999 the text is as it always was.
        XCTAssertEqual(Timestamp.iso8601(micros: 253_402_300_800_000_000), "10000-01-01T00:00:00.000Z")
    }
}
