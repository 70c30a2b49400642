import HuntDB
@testable import Generate
import XCTest

/// NullType (0x00) values where a string is expected render as empty text, as Windows renders
/// them (`MSExchange_Management_wec.evtx`, `issue_201.evtx`).
final class EVTXNullValueTests: XCTestCase {
    typealias S = EVTXTestSupport
    typealias F = EVTXRecoveryFixture

    /// The process creations' empty ParentCommandLine is written as a value token of type
    /// NullType inside a nested BinXML EventData.
    func testNullTypeValueToken_rendersAsEmptyText() throws {
        let events = F.events(60)
        XCTAssertEqual(events.filter { $0.data.contains { $0.value.isEmpty } }.count, 30)
        let out = EVTXMemoryOutput()
        let writer = try EVTXWriter(output: out)
        writer.layout = .nestedElements
        writer.emptyTextAsNullValue = true
        for e in events { try writer.append(e) }
        try writer.finish()
        let items = try S.read(out.bytes)
        XCTAssertEqual(S.events(items), events)
        XCTAssertEqual(S.damaged(items), [])

        let report = try F.load(out.bytes)
        XCTAssertEqual(report.counts.read, 60)
        XCTAssertEqual(report.counts.loaded, 60)
        XCTAssertEqual(report.counts.rejected, 0)
    }

    /// The same empty ParentCommandLine as a NullType substitution value for a string Data.
    func testNullTypeSubstitution_inAStringDataRendersAsEmptyText() throws {
        let events = F.events(60)
        let out = EVTXMemoryOutput()
        let writer = try EVTXWriter(output: out)
        for e in events {
            try writer.append(e, typedData: e.data.map { $0.value.isEmpty ? .null : .string($0.value) })
        }
        try writer.finish()
        let items = try S.read(out.bytes)
        XCTAssertEqual(S.events(items), events)
        XCTAssertEqual(S.damaged(items), [])
        XCTAssertEqual(try F.load(out.bytes).counts.loaded, 60)
    }
}
