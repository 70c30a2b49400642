import Foundation

/// Events and rules where ClickHouse's hot-slot prefilter (`SigmaClickHouseCorrelation+HotSlots`)
/// could wrongly drop a match: process starts placed on the edges of the 10-second slots a
/// 10-second timespan gives (slots start at whole tens of seconds). Each case has its own host,
/// so `ClickHouseSigmaCorrelationCLITests` can name what SQLite finds on it.
enum CorrelationSlotEvents {
    /// One process start: host, user, time (2021-03-04 10:MM:SS.mmm) and image.
    private typealias Start = (host: String, user: String, time: String, image: String)

    private static let starts: [Start] = [
        // A window across a slot edge: two events in each slot, four only together (alert at 10:00:12).
        ("s-straddle", "a", "10:00:08.000", "cmd.exe"), ("s-straddle", "a", "10:00:09.000", "cmd.exe"),
        ("s-straddle", "a", "10:00:11.000", "cmd.exe"), ("s-straddle", "a", "10:00:12.000", "cmd.exe"),
        ("s-straddle", "a", "10:00:20.000", "whoami.exe"),
        // The threshold met exactly at the window's start: 10:01:05.000 is in the window ending at 10:01:15.000.
        ("s-ends", "b", "10:01:05.000", "cmd.exe"), ("s-ends", "b", "10:01:07.000", "cmd.exe"),
        ("s-ends", "b", "10:01:09.999", "cmd.exe"), ("s-ends", "b", "10:01:15.000", "cmd.exe"),
        // One millisecond too late (no alert at 10:02:15.001), then met by a later event (10:02:16.000).
        ("s-miss", "c", "10:02:05.000", "cmd.exe"), ("s-miss", "c", "10:02:07.000", "cmd.exe"),
        ("s-miss", "c", "10:02:09.999", "cmd.exe"), ("s-miss", "c", "10:02:15.001", "cmd.exe"),
        ("s-miss", "c", "10:02:16.000", "cmd.exe"),
        // An alert at 10:03:00.000 (four at one time), a match exactly one timespan later that belongs
        // to it, and the next alert in the following slot at 10:03:19.500.
        ("s-again", "d", "10:03:00.000", "cmd.exe"), ("s-again", "d", "10:03:00.000", "cmd.exe"),
        ("s-again", "d", "10:03:00.000", "cmd.exe"), ("s-again", "d", "10:03:00.000", "cmd.exe"),
        ("s-again", "d", "10:03:10.000", "cmd.exe"), ("s-again", "d", "10:03:10.001", "cmd.exe"),
        ("s-again", "d", "10:03:19.000", "cmd.exe"), ("s-again", "d", "10:03:19.500", "cmd.exe"),
        ("s-again", "d", "10:03:19.999", "whoami.exe"),
        // One user on three hosts (which the cluster spreads over its shards): four only across hosts.
        ("s-x1", "x", "10:04:01.000", "cmd.exe"), ("s-x2", "x", "10:04:03.000", "cmd.exe"),
        ("s-x3", "x", "10:04:05.000", "cmd.exe"), ("s-x1", "x", "10:04:08.000", "cmd.exe"),
        // Four events in a slot pair that no window holds together: no alert.
        ("s-far", "f", "10:05:00.000", "cmd.exe"), ("s-far", "f", "10:05:00.001", "cmd.exe"),
        ("s-far", "f", "10:05:00.002", "cmd.exe"), ("s-far", "f", "10:05:19.998", "cmd.exe"),
        // Three distinct images across a slot edge (value_count), the third at 10:06:19.000.
        ("s-values", "g", "10:06:09.000", "cmd.exe"), ("s-values", "g", "10:06:09.500", "cmd.exe"),
        ("s-values", "g", "10:06:10.000", "powershell.exe"), ("s-values", "g", "10:06:19.000", "whoami.exe"),
    ]

    /// The hosts of the user case, which must land on both shards.
    static let spreadHosts = ["s-x1", "s-x2", "s-x3"]

    /// The starts as flat Sysmon NDJSON, in reverse time order (file order unlike time order).
    static var text: String {
        starts.enumerated().reversed().map { record, start in
            let number = record + 1
            return #"{"EventID":1,"Hostname":"\#(start.host)","RecordNumber":\#(number),"UtcTime":"2021-03-04 \#(start.time)","ProcessGuid":"{cccccccc-0000-4000-8000-\#(String(format: "%012d", number))}","ProcessId":"\#(2000 + number)","Image":"C:\\Windows\\System32\\\#(start.image)","CommandLine":"\#(start.image)","User":"CORP\\\#(start.user)","ParentProcessGuid":"{bbbbbbbb-0000-4000-8000-000000000009}","ParentImage":"C:\\Windows\\explorer.exe"}"#
        }.joined(separator: "\n") + "\n"
    }

    static let correlationIDs: Set<String> = [
        "slot_count", "slot_count_user", "slot_count_range", "slot_count_eq", "slot_values", "slot_burst_then_whoami", "slot_temporal",
    ]

    static var rules: String {
        typealias E = CorrelationEvents
        return [
            E.base("any_process", image: ".exe"), E.base("cmd", image: "cmd.exe"), E.base("whoami", image: "whoami.exe"),
            E.correlation("slot_count", "event_count", rules: ["any_process"], groupBy: ["Computer"], timespan: "10s", condition: "{gte: 4}"),
            E.correlation("slot_burst", "event_count", rules: ["cmd"], groupBy: ["Computer"], timespan: "10s", condition: "{gte: 3}"),
            E.correlation("slot_count_user", "event_count", rules: ["any_process"], groupBy: ["User"], timespan: "10s", condition: "{gte: 4}"),
            E.correlation("slot_count_range", "event_count", rules: ["any_process"], groupBy: ["Computer"], timespan: "10s", condition: "{gt: 3.5, lte: 4}"),
            E.correlation("slot_count_eq", "event_count", rules: ["any_process"], groupBy: ["Computer"], timespan: "10s", condition: "{eq: 4}"),
            E.correlation("slot_values", "value_count", rules: ["any_process"], groupBy: ["Computer"], timespan: "10s", condition: "{field: Image, gte: 3}"),
            E.correlation("slot_burst_then_whoami", "temporal_ordered", rules: ["slot_burst", "whoami"], groupBy: ["Computer"], timespan: "30s",
                          condition: nil),
            E.correlation("slot_temporal", "temporal", rules: ["cmd", "whoami"], groupBy: ["Computer"], timespan: "10s", condition: nil),
        ].joined(separator: "\n---\n")
    }
}
