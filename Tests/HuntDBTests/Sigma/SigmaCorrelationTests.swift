import Foundation
import XCTest
import HuntDB

/// Every correlation type and condition of the Sigma correlation specification, with what must
/// NOT match, written from the specification: windows are sliding ([last − timespan, last],
/// both ends inclusive), per group, and a group alerts again only for a match that starts after
/// its previous alert's last event.
final class SigmaCorrelationTests: XCTestCase {
    typealias F = SysmonFixture
    typealias H = SigmaCorrelationHarness

    /// Fixture lines from (kind, ms, host, extra) descriptions; record = line number.
    private enum E {
        case cmd(Int, host: String = "WS1.corp.example", user: String = #"CORP\alice"#)
        case ps(Int, host: String = "WS1.corp.example")
        case smb(Int, host: String = "WS1.corp.example", port: Int = 445)
        case net(Int, port: Int, host: String = "WS1.corp.example")
    }

    private func harness(_ events: [E]) throws -> H {
        let lines = events.enumerated().map { index, event -> String in
            let record = index + 1
            let guid = String(format: "{c0000000-0000-0000-0000-%012d}", record)
            switch event {
            case .cmd(let ms, let host, let user):
                return F.process(host: host, record: record, ms: ms, guid: guid, image: #"C:\Windows\System32\cmd.exe"#, user: user)
            case .ps(let ms, let host):
                return F.process(host: host, record: record, ms: ms, guid: guid, image: #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#)
            case .smb(let ms, let host, let port):
                return F.network(host: host, record: record, ms: ms, guid: guid, image: #"C:\Windows\System32\svchost.exe"#, initiated: "true", destinationPort: port)
            case .net(let ms, let port, let host):
                return F.network(host: host, record: record, ms: ms, guid: guid, image: #"C:\Windows\System32\svchost.exe"#, initiated: "true", destinationPort: port)
            }
        }
        return try H(lines)
    }

    private func eventCount(_ condition: String, timespan: String = "10s", groupBy: String = "Computer") -> String {
        "type: event_count\nrules:\n    - cmd\ngroup-by:\n    - \(groupBy)\ntimespan: \(timespan)\ncondition:\n    \(condition)"
    }

    // MARK: event_count

    func testEventCount_windowEndsAreInclusive() throws {
        let hit = try harness([.cmd(0), .cmd(5000), .cmd(10_000)]).hits(eventCount("gte: 3"))
        XCTAssertEqual(hit.map(\.lines), [[1, 2, 3]])
        XCTAssertEqual(hit.first?.timeMs, 10_000)
        XCTAssertEqual(hit.first?.value, 3)
        XCTAssertEqual(hit.first?.group, ["Computer": "WS1.corp.example"])
    }

    func testEventCount_oneMillisecondPastTheTimespanDoesNotMatch() throws {
        XCTAssertEqual(try harness([.cmd(0), .cmd(5000), .cmd(10_001)]).hits(eventCount("gte: 3")).count, 0)
    }

    func testEventCount_groupsAreSeparate() throws {
        let events: [E] = [.cmd(0), .cmd(1000, host: "WS2.corp.example"), .cmd(2000)]
        XCTAssertEqual(try harness(events).hits(eventCount("gte: 3")).count, 0, "two on WS1 and one on WS2 are not three")
        let hits = try harness(events).hits(eventCount("gte: 2"))
        XCTAssertEqual(hits.map(\.lines), [[1, 3]])
        XCTAssertEqual(hits.first?.group["Computer"], "WS1.corp.example")
    }

    func testEventCount_withoutGroupByEveryEventIsOneGroup() throws {
        let events: [E] = [.cmd(0), .cmd(1000, host: "WS2.corp.example"), .cmd(2000)]
        let body = "type: event_count\nrules:\n    - cmd\ntimespan: 10s\ncondition:\n    gte: 3"
        XCTAssertEqual(try harness(events).hits(body).map(\.lines), [[1, 2, 3]])
    }

    func testEventCount_everyComparison() throws {
        let h = try harness([.cmd(0), .cmd(1000), .cmd(60_000)])
        // Windows ending at each event hold 1, 2 and 1 events.
        XCTAssertEqual(try h.hits(eventCount("gt: 1")).map(\.timeMs), [1000])
        XCTAssertEqual(try h.hits(eventCount("gt: 2")).count, 0, "no window holds more than 2")
        XCTAssertEqual(try h.hits(eventCount("eq: 2")).map(\.timeMs), [1000])
        XCTAssertEqual(try h.hits(eventCount("eq: 3")).count, 0)
        XCTAssertEqual(try h.hits(eventCount("gte: 2")).map(\.timeMs), [1000])
        // lt/lte: the first window of 1 event alerts; the next alert needs a window that starts
        // after it (the event at 1 s is within 10 s of it), so the lone event at 60 s alerts.
        XCTAssertEqual(try h.hits(eventCount("lt: 2")).map(\.timeMs), [0, 60_000])
        XCTAssertEqual(try h.hits(eventCount("lte: 1")).map(\.timeMs), [0, 60_000])
        XCTAssertEqual(try h.hits(eventCount("lte: 0")).count, 0)
        XCTAssertEqual(try h.hits(eventCount("neq: 1")).map(\.timeMs), [1000])
        XCTAssertEqual(try h.hits(eventCount("neq: 2")).map(\.timeMs), [0, 60_000])
        // A range: both comparisons must hold.
        XCTAssertEqual(try h.hits(eventCount("gt: 1\n    lte: 2")).map(\.timeMs), [1000])
        XCTAssertEqual(try h.hits(eventCount("gt: 2\n    lte: 5")).count, 0)
    }

    func testEventCount_aLongBurstAlertsOncePerTimespanNotPerEventNorOncePerGroup() throws {
        // 25 events one second apart; gte 3 in 10 s. The first match completes at 2 s (0, 1,
        // 2 s); the next match must start after 2 s, so its window [3 s, 13 s] completes at
        // 13 s; then [14 s, 24 s] at 24 s.
        let h = try harness((0..<25).map { E.cmd($0 * 1000) })
        let hits = try h.hits(eventCount("gte: 3"))
        XCTAssertEqual(hits.map(\.timeMs), [2000, 13_000, 24_000])
        XCTAssertEqual(hits.first?.lines, [1, 2, 3])
        XCTAssertEqual(hits[1].lines, Array(4...14), "the window [3 s, 13 s]: every event in it, in time order")
        XCTAssertEqual(hits[1].value, 11)
    }

    func testEventCount_alertsOfSeveralGroupsInterleavedInTime() throws {
        // Two hosts bursting at once: each group walks from its own alerts.
        var events: [E] = []
        for second in 0..<25 {
            events.append(.cmd(second * 1000))
            events.append(.cmd(second * 1000 + 500, host: "WS2.corp.example"))
        }
        let hits = try harness(events).hits(eventCount("gte: 3"))
        XCTAssertEqual(hits.filter { $0.group["Computer"] == "WS1.corp.example" }.map(\.timeMs), [2000, 13_000, 24_000])
        XCTAssertEqual(hits.filter { $0.group["Computer"] == "WS2.corp.example" }.map(\.timeMs), [2500, 13_500, 24_500])
        XCTAssertEqual(hits.map(\.timeMs), [2000, 2500, 13_000, 13_500, 24_000, 24_500], "alerts in time order")
    }

    func testEvents_aLongListIsCutToMaxEventsAndEventsTotalSaysHowManyThereAre() throws {
        let h = try harness((0..<25).map { E.cmd($0 * 1000) })
        let all = try h.hits(eventCount("gte: 3"))
        XCTAssertEqual(all.map(\.eventsTotal), [3, 11, 11])
        var options = DetectionOptions()
        options.parameters["max_events"] = "4"
        let cut = try h.hits(eventCount("gte: 3"), options: options)
        XCTAssertEqual(cut.map(\.timeMs), [2000, 13_000, 24_000], "the cut changes the list, never the alerts")
        XCTAssertEqual(cut[1].lines, [4, 5, 6, 7], "the first four of the window [3 s, 13 s], in time order")
        XCTAssertEqual(cut[1].eventsTotal, 11)
        XCTAssertEqual(cut[1].value, 11)
        options.parameters["max_events"] = "0"
        XCTAssertEqual(try h.hits(eventCount("gte: 3"), options: options)[1].lines, Array(4...14), "0 lists every event")
        // The default lists up to 100.
        let long = try harness((0..<150).map { E.cmd($0 * 10) })
        let one = try long.hits(eventCount("gte: 150"))
        XCTAssertEqual(one.map(\.lines.count), [SigmaCompiledCorrelation.defaultMaxEvents])
        XCTAssertEqual(one.first?.eventsTotal, 150)
        XCTAssertEqual(one.first?.lines.first, 1)
    }

    func testEventCount_severalRulesCountTogether() throws {
        let body = "type: event_count\nrules:\n    - cmd\n    - smb\ngroup-by:\n    - Computer\ntimespan: 10s\ncondition:\n    gte: 3"
        let hits = try harness([.cmd(0), .smb(1000), .ps(1500), .cmd(2000)]).hits(body)
        XCTAssertEqual(hits.map(\.lines), [[1, 2, 4]], "a process and a network rule; powershell is in neither")
        XCTAssertEqual(hits.first?.ruleIDs, ["11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000003",
                                             "11111111-0000-4000-8000-000000000001"])
    }

    // MARK: value_count

    private func valueCount(_ condition: String) -> String {
        "type: value_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 10s\ncondition:\n    field: User\n    \(condition)"
    }

    func testValueCount_countsDistinctValues() throws {
        let events: [E] = [.cmd(0, user: #"CORP\a"#), .cmd(1000, user: #"CORP\a"#), .cmd(2000, user: #"CORP\b"#), .cmd(3000, user: #"CORP\c"#)]
        let hits = try harness(events).hits(valueCount("gte: 3"))
        XCTAssertEqual(hits.map(\.lines), [[1, 2, 3, 4]])
        XCTAssertEqual(hits.first?.value, 3)
        XCTAssertEqual(hits.first?.eventsTotal, 4, "four events, three distinct users")
    }

    func testValueCount_manyEventsWithFewValuesDoNotMatch() throws {
        let events: [E] = [.cmd(0, user: #"CORP\a"#), .cmd(1000, user: #"CORP\a"#), .cmd(2000, user: #"CORP\b"#), .cmd(3000, user: #"CORP\b"#)]
        XCTAssertEqual(try harness(events).hits(valueCount("gte: 3")).count, 0)
        XCTAssertEqual(try harness(events).hits(valueCount("eq: 2")).map(\.timeMs), [2000])
    }

    func testValueCount_valuesOutsideTheWindowDoNotCount() throws {
        let events: [E] = [.cmd(0, user: #"CORP\a"#), .cmd(10_500, user: #"CORP\b"#), .cmd(11_000, user: #"CORP\c"#)]
        XCTAssertEqual(try harness(events).hits(valueCount("gte: 3")).count, 0)
        XCTAssertEqual(try harness(events).hits(valueCount("gte: 2")).map(\.lines), [[2, 3]])
    }

    // MARK: value_sum, value_avg, value_percentile

    private func valueOver(_ type: String, _ condition: String) -> String {
        "type: \(type)\nrules:\n    - any_net\ngroup-by:\n    - Computer\ntimespan: 10s\ncondition:\n    field: DestinationPort\n    \(condition)"
    }

    func testValueSum_addsTheFieldOverTheWindow() throws {
        let h = try harness([.net(0, port: 400), .net(1000, port: 500), .net(20_000, port: 900), .net(21_000, port: 200)])
        XCTAssertEqual(try h.hits(valueOver("value_sum", "gte: 1000")).map(\.lines), [[3, 4]])
        XCTAssertEqual(try h.hits(valueOver("value_sum", "gte: 1000")).first?.value, 1100)
        XCTAssertEqual(try h.hits(valueOver("value_sum", "gt: 1100")).count, 0, "400 + 500 and 900 + 200 never exceed 1100")
    }

    func testValueAvg_averagesTheFieldOverTheWindow() throws {
        let h = try harness([.net(0, port: 100), .net(1000, port: 300), .net(20_000, port: 50)])
        XCTAssertEqual(try h.hits(valueOver("value_avg", "eq: 200")).map(\.lines), [[1, 2]])
        XCTAssertEqual(try h.hits(valueOver("value_avg", "gt: 300")).count, 0)
        XCTAssertEqual(try h.hits(valueOver("value_avg", "lt: 100")).map(\.lines), [[3]])
    }

    func testValuePercentile_nearestRank() throws {
        // Median (nearest rank: the ceil(0.5 × 3) = 2nd smallest) of 10, 2000, 3000 is 2000.
        let high = try harness([.net(0, port: 10), .net(1000, port: 2000), .net(2000, port: 3000)])
        let body = valueOver("value_percentile", "percentile: 50\n    gte: 1000")
        let hits = try high.hits(body)
        XCTAssertEqual(hits.first?.value, 2000)
        XCTAssertEqual(hits.first?.lines, [1, 2, 3], "the windows ending earlier hold 10 and 10, 2000: medians 10")
        XCTAssertEqual(hits.first?.eventsTotal, 3)
        // Median of 10, 20, 3000 is 20 (the windows ending earlier hold 10 and 10, 20).
        let low = try harness([.net(0, port: 10), .net(1000, port: 20), .net(2000, port: 3000)])
        XCTAssertEqual(try low.hits(body).count, 0)
        XCTAssertEqual(try low.hits(valueOver("value_percentile", "percentile: 100\n    gte: 1000")).map(\.timeMs), [2000])
    }

    // MARK: temporal

    private func temporal(_ type: String, rules: [String], timespan: String = "10s") -> String {
        "type: \(type)\nrules:\n" + rules.map { "    - \($0)\n" }.joined() + "group-by:\n    - Computer\ntimespan: \(timespan)"
    }

    func testTemporal_allRulesInAnyOrderWithinTheTimespan() throws {
        XCTAssertEqual(try harness([.ps(0), .cmd(4000)]).hits(temporal("temporal", rules: ["cmd", "ps"])).map(\.lines), [[1, 2]])
        XCTAssertEqual(try harness([.cmd(0), .ps(4000)]).hits(temporal("temporal", rules: ["cmd", "ps"])).map(\.lines), [[1, 2]])
    }

    func testTemporal_missingRuleTooFarApartOrOtherHostDoNotMatch() throws {
        XCTAssertEqual(try harness([.cmd(0), .cmd(1000)]).hits(temporal("temporal", rules: ["cmd", "ps"])).count, 0, "ps never happens")
        XCTAssertEqual(try harness([.cmd(0), .ps(10_001)]).hits(temporal("temporal", rules: ["cmd", "ps"])).count, 0, "more than 10 s apart")
        XCTAssertEqual(try harness([.cmd(0), .ps(1000, host: "WS2.corp.example")]).hits(temporal("temporal", rules: ["cmd", "ps"])).count, 0)
    }

    func testTemporal_aConditionCountsTheRulesPresent() throws {
        let body = temporal("temporal", rules: ["cmd", "ps", "smb"]) + "\ncondition:\n    gte: 2"
        XCTAssertEqual(try harness([.cmd(0), .smb(1000)]).hits(body).map(\.lines), [[1, 2]])
        XCTAssertEqual(try harness([.cmd(0), .smb(1000)]).hits(temporal("temporal", rules: ["cmd", "ps", "smb"])).count, 0,
                       "without a condition every rule must occur")
    }

    // MARK: temporal_ordered

    func testTemporalOrdered_inTheOrderOfTheRules() throws {
        let body = temporal("temporal_ordered", rules: ["cmd", "ps"])
        XCTAssertEqual(try harness([.cmd(0), .ps(1000)]).hits(body).map(\.lines), [[1, 2]])
        XCTAssertEqual(try harness([.ps(0), .cmd(1000)]).hits(body).count, 0, "the wrong order")
        XCTAssertEqual(try harness([.cmd(0), .ps(10_000)]).hits(body).count, 1, "exactly the timespan apart")
        XCTAssertEqual(try harness([.cmd(0), .ps(10_001)]).hits(body).count, 0)
    }

    func testTemporalOrdered_equalTimesCountAsInOrder() throws {
        let body = temporal("temporal_ordered", rules: ["cmd", "ps"])
        XCTAssertEqual(try harness([.ps(500), .cmd(500)]).hits(body).map(\.lines), [[2, 1]],
                       "same millisecond: the chain is cmd then ps, whatever the log order")
    }

    func testTemporalOrdered_checksTheOrderOfEveryRuleNotOnlyTheFirst() throws {
        let body = temporal("temporal_ordered", rules: ["cmd", "smb", "ps"])
        XCTAssertEqual(try harness([.cmd(0), .ps(1000), .smb(2000)]).hits(body).count, 0, "ps before smb")
        XCTAssertEqual(try harness([.smb(0), .cmd(1000), .ps(2000)]).hits(body).count, 0, "smb before cmd")
        let hits = try harness([.cmd(0), .smb(1000), .ps(2000)]).hits(body)
        XCTAssertEqual(hits.map(\.lines), [[1, 2, 3]], "process, network, process")
        XCTAssertEqual(hits.first?.eventsTotal, 3)
        // An out-of-order event does not spoil a later correct chain.
        XCTAssertEqual(try harness([.cmd(0), .ps(500), .smb(1000), .ps(2000)]).hits(body).map(\.lines), [[1, 3, 4]])
    }

    func testTemporalOrdered_theChainUsesTheLatestEventOfEachRule() throws {
        let body = temporal("temporal_ordered", rules: ["cmd", "ps"])
        XCTAssertEqual(try harness([.cmd(0), .cmd(800), .ps(1000)]).hits(body).map(\.lines), [[2, 3]])
    }

    func testTemporalOrdered_aMatchNeverSharesAnEventWithThePreviousAlertOfItsGroup() throws {
        let body = temporal("temporal_ordered", rules: ["cmd", "ps"])
        // cmd, ps, ps: the second ps could only reuse the cmd of the first alert.
        XCTAssertEqual(try harness([.cmd(0), .ps(100), .ps(200)]).hits(body).map(\.lines), [[1, 2]])
        // A fresh cmd after the first alert starts a new match.
        XCTAssertEqual(try harness([.cmd(0), .ps(100), .cmd(200), .ps(300)]).hits(body).map(\.lines), [[1, 2], [3, 4]])
    }

    func testTemporalOrdered_aConditionPartOfTheChainMeetsCountsTheLongestOrderedChain() throws {
        // The specification: the condition counts the different rules matching in the time
        // frame; in order, the longest chain of rules in the order of `rules`.
        let body = temporal("temporal_ordered", rules: ["cmd", "smb", "ps"]) + "\ncondition:\n    gte: 2"
        let skip = try harness([.cmd(0), .ps(1000)]).hits(body)
        XCTAssertEqual(skip.map(\.lines), [[1, 2]], "cmd then ps: two of the three, in order (smb left out)")
        XCTAssertEqual(skip.first?.value, 2)
        XCTAssertEqual(try harness([.smb(0), .ps(1000)]).hits(body).map(\.lines), [[1, 2]], "smb then ps")
        XCTAssertEqual(try harness([.ps(0), .cmd(1000)]).hits(body).count, 0, "ps before cmd is not in order: no chain of two")
        XCTAssertEqual(try harness([.ps(0), .smb(1000)]).hits(body).count, 0)
        XCTAssertEqual(try harness([.cmd(0), .ps(10_001)]).hits(body).count, 0, "in order but more than the timespan apart")
        XCTAssertEqual(try harness([.cmd(0), .ps(1000, host: "WS2.corp.example")]).hits(body).count, 0, "another host")
        // The whole chain counts 3; `gte: 3` is the default (every rule).
        let whole = try harness([.cmd(0), .smb(500), .ps(1000)]).hits(temporal("temporal_ordered", rules: ["cmd", "smb", "ps"]) + "\ncondition:\n    gte: 3")
        XCTAssertEqual(whole.map(\.lines), [[1, 2, 3]])
        // eq 2: a chain of exactly two (a full chain's end event has 3, its smb event ends a chain of 2).
        let exactly = try harness([.cmd(0), .smb(500), .ps(1000)]).hits(temporal("temporal_ordered", rules: ["cmd", "smb", "ps"]) + "\ncondition:\n    eq: 2")
        XCTAssertEqual(exactly.map(\.lines), [[1, 2]])
        XCTAssertEqual(exactly.first?.value, 2)
        // lt 2: every event alone is a chain of one.
        XCTAssertEqual(try harness([.ps(0)]).hits(temporal("temporal_ordered", rules: ["cmd", "smb", "ps"]) + "\ncondition:\n    lt: 2").map(\.lines), [[1]])
    }

    func testTemporalOrdered_partialConditionsOverTooManyRulesAreNamed() {
        let rules = ["cmd", "ps", "smb", "any_net", "cmd", "ps"]
        let body = temporal("temporal_ordered", rules: rules) + "\ncondition:\n    gte: 2"
        let set = H.set(H.correlation(body) + "\n---\n" + H.baseRules)
        XCTAssertTrue(set.statuses.first?.reason.contains("up to 5 rules") == true, set.statuses.first?.reason ?? "")
    }

    // MARK: chaining (a correlation of correlations)

    /// The specification's example shape: an event_count correlation (`many_cmd`, three cmd
    /// starts within 10 s) referenced by a temporal_ordered one (then a powershell start).
    private func chained(outerGroupBy: String = "Computer", innerExtra: String = "", outerExtra: String = "") -> String {
        let inner = """
            title: Many cmd
            id: 33333333-0000-4000-8000-000000000001
            name: many_cmd
            \(innerExtra)correlation:
                type: event_count
                rules:
                    - cmd
                group-by:
                    - Computer
                timespan: 10s
                condition:
                    gte: 3
            """
        let outer = H.correlation("type: temporal_ordered\nrules:\n    - many_cmd\n    - ps\ngroup-by:\n    - \(outerGroupBy)\ntimespan: 10s",
                                  extra: outerExtra)
        return outer + "\n---\n" + inner + "\n---\n" + H.baseRules
    }

    private func chainedHits(_ yaml: String, _ events: [E]) throws -> [H.Hit] {
        let set = H.set(yaml)
        let correlation = try XCTUnwrap(set.statuses.first?.correlation, set.statuses.first?.reason ?? "")
        return try harness(events).run(correlation)
    }

    func testChaining_aCorrelationsAlertsAreTheEventsOfTheOneThatReferencesIt() throws {
        let hits = try chainedHits(chained(), [.cmd(0), .cmd(1000), .cmd(2000), .ps(5000)])
        XCTAssertEqual(hits.count, 1)
        XCTAssertEqual(hits.first?.kinds, ["correlation", "process"])
        XCTAssertEqual(hits.first?.lines, [0, 4], "the inner alert, then the powershell start")
        XCTAssertEqual(hits.first?.nested, [[1, 2, 3]], "the inner alert lists its own events: every raw record is reachable")
        XCTAssertEqual(hits.first?.ruleIDs, ["33333333-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"])
        XCTAssertEqual(hits.first?.timeMs, 5000)
    }

    func testChaining_theInnerMatchMustCompleteFirstAndWithinTheTimespan() throws {
        // The inner match completes at 2 s (its last event); powershell at 1.5 s is before it.
        XCTAssertEqual(try chainedHits(chained(), [.cmd(0), .cmd(1000), .ps(1500), .cmd(2000)]).count, 0)
        // Two cmd starts are no inner match at all.
        XCTAssertEqual(try chainedHits(chained(), [.cmd(0), .cmd(1000), .ps(5000)]).count, 0)
        // Powershell 10.001 s after the inner match completes: outside the outer timespan.
        XCTAssertEqual(try chainedHits(chained(), [.cmd(0), .cmd(1000), .cmd(2000), .ps(12_001)]).count, 0)
        // Another host's powershell is another group.
        XCTAssertEqual(try chainedHits(chained(), [.cmd(0), .cmd(1000), .cmd(2000), .ps(5000, host: "WS2.corp.example")]).count, 0)
    }

    func testChaining_theReferencedCorrelationAlertsAloneOnlyWhenAsked() throws {
        let quiet = try H.set(chained()).detectionRules(storedColumns: nil).map(\.id)
        XCTAssertFalse(quiet.contains("33333333-0000-4000-8000-000000000001"), "referenced: it alerts only inside the outer one")
        XCTAssertTrue(quiet.contains("22222222-0000-4000-8000-000000000001"))
        let loud = try H.set(chained(outerExtra: "generate: true\n")).detectionRules(storedColumns: nil).map(\.id)
        XCTAssertTrue(loud.contains("33333333-0000-4000-8000-000000000001"))
    }

    func testChaining_aGroupByTheReferencedCorrelationDoesNotHaveIsNamed() {
        let set = H.set(chained(outerGroupBy: "User"))
        XCTAssertNil(set.statuses.first?.correlation)
        let reason = set.statuses.first?.reason ?? ""
        XCTAssertTrue(reason.contains("does not group by User"), reason)
        // An unsupported inner correlation makes the outer one unsupported, saying which.
        let bad = H.set(chained().replacingOccurrences(of: "gte: 3", with: "gte: x"))
        XCTAssertTrue(bad.statuses.first?.reason.contains("many_cmd") == true, bad.statuses.first?.reason ?? "")
    }

    // MARK: aliases

    func testAliases_oneGroupNameMeansDifferentFieldsPerRule() throws {
        // cmd's ParentProcessGuid is the services GUID; smb's ProcessGuid is its own GUID unless
        // the connection is services.exe's.
        let body = """
            type: temporal_ordered
            rules:
                - smb
                - cmd
            group-by:
                - instance
            aliases:
                instance:
                    smb: ProcessGuid
                    cmd: ParentProcessGuid
            timespan: 10s
            """
        let same = [F.network(record: 1, ms: 0, destinationPort: 445),
                    F.process(record: 2, ms: 500, guid: "{c0000000-0000-0000-0000-000000000002}", image: #"C:\Windows\System32\cmd.exe"#)]
        let hits = try H(same).hits(body)
        XCTAssertEqual(hits.map(\.lines), [[1, 2]])
        XCTAssertEqual(hits.first?.group, ["instance": "b34bc01c-0001-5f63-0100-000000000400"])
        let other = [F.network(record: 1, ms: 0, destinationPort: 445),
                     F.process(record: 2, ms: 500, guid: "{c0000000-0000-0000-0000-000000000002}", image: #"C:\Windows\System32\cmd.exe"#,
                               parentGuid: "{c0000000-0000-0000-0000-000000000099}")]
        XCTAssertEqual(try H(other).hits(body).count, 0, "another parent instance")
    }

    // MARK: generate, references, bad input

    func testGenerate_baseRulesRunAloneOnlyWhenAsked() throws {
        func ids(_ extra: String) throws -> [String] {
            let set = H.set(H.correlation(eventCount("gte: 3"), extra: extra) + "\n---\n" + H.baseRules)
            return try set.detectionRules(storedColumns: nil).map(\.id)
        }
        XCTAssertEqual(try ids(""), ["22222222-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002",
                                     "11111111-0000-4000-8000-000000000003", "11111111-0000-4000-8000-000000000004"],
                       "cmd is referenced: only the correlation alerts for it")
        XCTAssertEqual(try ids("generate: true\n").count, 5)
    }

    func testReferences_byNameOrIdAcrossFiles() throws {
        let correlation = H.correlation("type: temporal\nrules:\n    - 11111111-0000-4000-8000-000000000001\n    - ps\ngroup-by:\n    - Computer\ntimespan: 1m")
        let statuses = SigmaRuleSet.documentStatuses(yaml: correlation, path: "a/correlation.yml", compiler: SigmaCompiler(), builtIn: false)
            + SigmaRuleSet.documentStatuses(yaml: H.baseRules, path: "b/rules.yml", compiler: SigmaCompiler(), builtIn: false)
        let set = SigmaRuleSet(statuses: statuses).resolvingCorrelations(compiler: SigmaCompiler())
        XCTAssertEqual(set.correlations.first?.bases.map(\.rule.name), ["cmd", "ps"])
    }

    private func reason(_ body: String, extraDocuments: String = "") -> String {
        let set = H.set(H.correlation(body) + "\n---\n" + H.baseRules + extraDocuments, path: "rules/bad.yml")
        XCTAssertEqual(set.statuses.filter { $0.compiled != nil }.count, 4, "the base rules still compile")
        return set.statuses.first!.reason
    }

    func testBadInput_clearReasons() {
        XCTAssertTrue(reason(eventCount("gte: 3").replacingOccurrences(of: "- cmd", with: "- nosuchrule")).contains("unknown rule nosuchrule"))
        XCTAssertTrue(reason(eventCount("gte: 3", timespan: "10 minutes")).contains("malformed timespan \"10 minutes\""))
        XCTAssertTrue(reason(eventCount("gte: 3", timespan: "10ms")).contains("malformed timespan"))
        let noField = reason("type: event_count\nrules:\n    - cmd\n    - smb\ngroup-by:\n    - CommandLine\ntimespan: 1m\ncondition:\n    gte: 2")
        XCTAssertTrue(noField.contains("group-by CommandLine") && noField.contains("11111111-0000-4000-8000-000000000003"), noField)
        XCTAssertTrue(reason("type: event_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 1m\ncondition:\n    gte: x").contains("not a number"))
        XCTAssertTrue(reason("type: event_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 1m\ncondition:\n    more: 1").contains("unknown condition more"))
        XCTAssertTrue(reason("type: value_count\nrules:\n    - cmd\ngroup-by:\n    - Computer\ntimespan: 1m\ncondition:\n    gte: 1").contains("needs condition.field"))
        XCTAssertTrue(reason("type: sequence\nrules:\n    - cmd\ntimespan: 1m").contains("unknown type sequence"))
    }

    func testBadInput_aCycleIsNamed() {
        let second = """

            ---
            title: Second
            id: 33333333-0000-4000-8000-000000000001
            name: second
            correlation:
                type: event_count
                rules:
                    - first
                timespan: 1m
                condition:
                    gte: 2
            """
        let first = "type: event_count\nrules:\n    - second\ntimespan: 1m\ncondition:\n    gte: 2"
        let set = H.set(H.correlation(first, extra: "name: first\n") + "\n---\n" + H.baseRules + second, path: "rules/cycle.yml")
        XCTAssertTrue(set.statuses.first!.reason.contains("cycle: first → second → first"), set.statuses.first!.reason)
        XCTAssertEqual(set.statuses.filter { $0.compiled != nil }.count, 4)
    }
}
