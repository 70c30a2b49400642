import HuntDB
@testable import Ingest
@testable import Generate
import XCTest

/// Every substitution value type the writer can produce, rendered as Windows renders it.
final class EVTXValueTypeTests: XCTestCase {
    typealias S = EVTXTestSupport

    static let guidBytes: [UInt8] = [0x96, 0x3D, 0x7F, 0x74, 0x20, 0x3F, 0xBB, 0x5E, 0x00, 0x00, 0x00, 0x10, 0x03, 0x5E, 0x36, 0x00]

    static let cases: [(EVTXWriterValue, [String])] = [
        (.null, [""]),
        (.string("C:\\Windows\\System32\\cmd.exe ✓ 𝄞"), ["C:\\Windows\\System32\\cmd.exe ✓ 𝄞"]),
        (.string(""), [""]),
        (.ansi("plain ansi"), ["plain ansi"]),
        (.int8(-5), ["-5"]), (.uint8(250), ["250"]),
        (.int16(-30000), ["-30000"]), (.uint16(65535), ["65535"]),
        (.int32(-2_000_000_000), ["-2000000000"]), (.uint32(4_000_000_000), ["4000000000"]),
        (.int64(-9_000_000_000_000_000_000), ["-9000000000000000000"]),
        (.uint64(18_000_000_000_000_000_000), ["18000000000000000000"]),
        (.real32(1.5), ["1.5"]), (.real64(-2.25), ["-2.25"]), (.real64(3), ["3"]),
        (.bool(true), ["true"]), (.bool(false), ["false"]),
        (.binary([0x00, 0xAB, 0x10, 0xFF]), ["00AB10FF"]),
        (.guid(guidBytes), ["{747F3D96-3F20-5EBB-0000-0010035E3600}"]),
        (.sizeT(0x7FF6_1234), ["0x7ff61234"]),
        (.fileTime(132_450_921_664_702_345), ["2020-09-20T16:16:06.4702345Z"]),
        (.systemTime([2020, 9, 0, 20, 16, 16, 6, 470]), ["2020-09-20T16:16:06.4700000Z"]),
        (.sid(revision: 1, authority: 5, subAuthorities: [18]), ["S-1-5-18"]),
        (.sid(revision: 1, authority: 5, subAuthorities: [21, 3_623_811_015, 3_361_044_348, 30_300_820, 1013]),
         ["S-1-5-21-3623811015-3361044348-30300820-1013"]),
        (.hex32(0xC000_006D), ["0xc000006d"]), (.hex64(0x3E7), ["0x3e7"]),
        (.hex64(0x8000_0000_0000_0000), ["0x8000000000000000"]),
        // Arrays repeat the Data element once per item.
        (.stringArray(["a", "bc", ""]), ["a", "bc", ""]),
        (.uint16Array([1, 2, 3]), ["1", "2", "3"]),
        (.hex64Array([0x10, 0xFF]), ["0x10", "0xff"]),
    ]

    func testValueTypes_renderLikeWindows() throws {
        for layout in [EVTXWriter.EventDataLayout.flat, .nestedTemplate] {
            let out = EVTXMemoryOutput()
            let writer = try EVTXWriter(output: out)
            writer.layout = layout
            for (value, _) in Self.cases {
                try writer.append(WindowsEvent(eventID: "1", data: [.init(name: "V", value: "")]), typedData: [value])
            }
            // All values in one record as well.
            try writer.append(WindowsEvent(eventID: "2", data: Self.cases.indices.map { .init(name: "V\($0)", value: "") }),
                              typedData: Self.cases.map(\.0))
            try writer.finish()
            let events = S.events(try S.read(out.bytes))
            XCTAssertEqual(events.count, Self.cases.count + 1)
            for (i, (value, expected)) in Self.cases.enumerated() where i < events.count {
                XCTAssertEqual(events[i].data.map(\.value), expected, "\(value) in \(layout)")
                XCTAssertEqual(events[i].data.map(\.name), Array(repeating: "V", count: expected.count))
            }
            if let all = events.last {
                XCTAssertEqual(all.data.map(\.value), Self.cases.flatMap(\.1), "\(layout)")
            }
        }
    }

    func testValueTypes_systemFieldsKeepTheirText() throws {
        let e = WindowsEvent(providerName: "Microsoft-Windows-Security-Auditing", eventID: "4624",
                             timeCreated: "2020-09-20T16:16:06.4702345Z", recordID: "18446744073709551615",
                             channel: "Security", computer: "DC01.corp.local")
        XCTAssertEqual(S.events(try S.read(try S.write([e]))), [e])
    }

    func testValueRenderer_handlesOddSizesWithoutTrapping() {
        let raw: [UInt8] = [1, 2, 3]
        raw.withUnsafeBytes { p in
            let b = EVTXBytes(p)
            XCTAssertEqual(EVTXValueRenderer.render(b, type: 0x08, offset: 0, length: 3), "010203")
            XCTAssertEqual(EVTXValueRenderer.render(b, type: 0x13, offset: 0, length: 3), "010203")
            XCTAssertEqual(EVTXValueRenderer.render(b, type: 0x01, offset: 0, length: 3), "\u{201}")
            XCTAssertEqual(EVTXValueRenderer.renderArray(b, type: 0x88, offset: 0, length: 3), [])
            XCTAssertEqual(EVTXValueRenderer.render(b, type: 0x21, offset: 0, length: 3), "010203")
        }
        // Unpaired surrogates become U+FFFD.
        let units: [UInt8] = [0x00, 0xD8, 0x41, 0x00]
        units.withUnsafeBytes { p in
            XCTAssertEqual(EVTXText.utf16(EVTXBytes(p), 0, units: 2), "\u{FFFD}A")
        }
    }
}
