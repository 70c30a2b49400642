import Foundation
import XCTest

/// Where ClickHouse's `lowerUTF8` (the ClickHouse form of `hunt_fold`, Swift's `lowercased()`)
/// gives another lower case: the exact set of characters the README names, checked against the
/// real server for every code point of planes 0 and 1 (the set's last range ends at U+1E921).
/// A case-insensitive Sigma match of non-ASCII text can differ between the backends only on
/// events whose field holds one of these characters.
extension ClickHouseSigmaCLITests {
    /// The code points (ranges, inclusive) where 18.16's `lowerUTF8` and Swift's lower case differ.
    static let lowerUTF8Differences: [ClosedRange<UInt32>] = [
        0x0130...0x0130, 0x01C5...0x01C5, 0x01C8...0x01C8, 0x01CB...0x01CB, 0x01F2...0x01F2, 0x023A...0x023A,
        0x023E...0x023E, 0x13A0...0x13F5, 0x1C89...0x1C89, 0x1C90...0x1CBA, 0x1CBD...0x1CBF, 0x1E9E...0x1E9E,
        0x1F88...0x1F8F, 0x1F98...0x1F9F, 0x1FA8...0x1FAF, 0x1FBC...0x1FBC, 0x1FCC...0x1FCC, 0x1FFC...0x1FFC,
        0x2126...0x2126, 0x212A...0x212B, 0x2132...0x2132, 0x2160...0x216F, 0x2183...0x2183, 0x24B6...0x24CF,
        0x2C00...0x2C2F, 0x2C60...0x2C60, 0x2C62...0x2C64, 0x2C67...0x2C67, 0x2C69...0x2C69, 0x2C6B...0x2C6B,
        0x2C6D...0x2C70, 0x2C72...0x2C72, 0x2C75...0x2C75, 0x2C7E...0x2C80,
    ] + stride(from: UInt32(0x2C82), through: 0x2CE2, by: 2).map { $0...$0 } + [
        0x2CEB...0x2CEB, 0x2CED...0x2CED, 0x2CF2...0x2CF2, 0xA78D...0xA78D, 0xA7AA...0xA7AE, 0xA7B0...0xA7B4,
    ] + stride(from: UInt32(0xA7B6), through: 0xA7C2, by: 2).map { $0...$0 } + [
        0xA7C4...0xA7C7, 0xA7C9...0xA7C9, 0xA7CB...0xA7CC, 0xA7CE...0xA7CE,
    ] + stride(from: UInt32(0xA7D0), through: 0xA7DC, by: 2).map { $0...$0 } + [
        0xA7F5...0xA7F5, 0x104B0...0x104D3, 0x10570...0x1057A, 0x1057C...0x1058A, 0x1058C...0x10592,
        0x10594...0x10595, 0x10C80...0x10CB2, 0x10D50...0x10D65, 0x16E40...0x16E5F, 0x16EA0...0x16EB8,
        0x1E900...0x1E921,
    ]

    func testClickHouse_lowerUTF8DiffersFromSwiftOnlyOnTheDocumentedCharacters() throws {
        let (server, _) = try running()
        let scalars = (UInt32(0x80)...0x1FFFF).compactMap(Unicode.Scalar.init)
        func hex(_ text: String) -> String { text.utf8.map { String(format: "%02X", $0) }.joined() }
        var differing: [UInt32] = []
        var start = 0
        while start < scalars.count {
            // Hex in, hex out: no character of the test enters the SQL text as itself.
            let chunk = scalars[start..<min(start + 8_000, scalars.count)]
            let list = chunk.map { "'" + hex(String($0)) + "'" }.joined(separator: ",")
            let body = try server.query("SELECT arrayStringConcat(arrayMap(x -> hex(lowerUTF8(unhex(x))), [\(list)]), ',')")
            let lowered = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
            XCTAssertEqual(lowered.count, chunk.count)
            for (scalar, clickHouse) in zip(chunk, lowered) where hex(String(scalar).lowercased()) != clickHouse {
                differing.append(scalar.value)
            }
            start += 8_000
        }
        let documented = Self.lowerUTF8Differences.flatMap { $0 }.filter { Unicode.Scalar($0) != nil }
        XCTAssertEqual(differing, documented)
        XCTAssertEqual(documented.count, 600)
    }
}
