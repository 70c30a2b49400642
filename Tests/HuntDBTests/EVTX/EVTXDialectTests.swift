import XCTest
import HuntDB

/// An event loaded from .evtx and from its XML rendering gives identical rows.
final class EVTXDialectTests: XCTestCase {
    func testEVTXAndXML_sameCorpusStoresIdenticalRows() throws {
        let scratch = try Scratch()
        let options = GenerateFixture.options(events: 4_000, seed: 11, irrelevantRatio: 0.3)
        let xml = try scratch.generate(.xml, options: options, name: "corpus.xml")

        let evtxPath = scratch.path("corpus.evtx")
        let writer = try EVTXWriter(output: try EVTXFileOutput(path: evtxPath))
        var sink = WindowsEventSink { try writer.append($0) }
        let summary = try CorpusGenerator(options: options).generate(into: &sink)
        try writer.finish()
        XCTAssertEqual(summary.events, xml.summary.events)

        let (xmlStore, xmlReport) = try scratch.load([xml.path], db: "xml.db")
        let (evtxStore, evtxReport) = try scratch.load([evtxPath], db: "evtx.db")
        XCTAssertEqual(evtxReport.sources.first?.format, "evtx")
        XCTAssertEqual(evtxReport.totals, xmlReport.totals)
        XCTAssertEqual(evtxReport.totals.rejected, 0)
        XCTAssertGreaterThan(evtxReport.totals.loaded, 2_000)
        GenerateFixture.assertSameRows(try evtxStore.rows(GenerateFixture.processColumns),
                                       try xmlStore.rows(GenerateFixture.processColumns), "processes: evtx vs xml")
        GenerateFixture.assertSameRows(try evtxStore.rows(GenerateFixture.networkColumns),
                                       try xmlStore.rows(GenerateFixture.networkColumns), "network: evtx vs xml")
        // Record identities agree too: loading the XML into the EVTX database adds nothing.
        let again = try Loader(store: evtxStore).load([xml.path])
        XCTAssertEqual(again.totals.loaded, 0)
        XCTAssertEqual(again.totals.duplicates, evtxReport.totals.loaded)
    }
}
