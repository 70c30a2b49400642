import Model

/// Alerts as compact table rows: time, delta, source, child, its entity, the command line
/// (decoded when it is encoded PowerShell) and the raw-record pointers. Used for the rest of a
/// long burst and for the alerts beyond the cards.
struct AlertRows {
    /// Whether rows start with severity, rule and host (the page's filters read those cells).
    let withRuleAndHost: Bool

    func render(_ alerts: some Sequence<ReportAlert>, into html: inout HTMLWriter, id: String? = nil) {
        if let id { html.open("table", ["class": "rows", "id": id]) } else { html.open("table", ["class": "rows"]) }
        html.markup("<thead><tr>")
        if withRuleAndHost { html.markup("<th>severity</th><th>rule_id</th><th>host</th>") }
        html.markup("<th>time (UTC)</th><th>delta_ms</th><th>source</th><th>child</th><th>child_entity_id</th><th>command line</th><th>raw records</th></tr></thead><tbody>")
        for alert in alerts { row(alert, into: &html) }
        html.markup("</tbody></table>")
    }

    private func row(_ alert: ReportAlert, into html: inout HTMLWriter) {
        if withRuleAndHost {
            let severity = alert.severity.lowercased()
            html.open("tr")
            html.element("td", severity)
            html.element("td", alert.ruleID)
            html.element("td", alert.host)
        } else {
            html.open("tr")
        }
        html.element("td", alert.timeMicros.map(Timestamp.iso8601) ?? "")
        html.element("td", alert["delta_ms"] ?? "")
        html.element("td", alert["source_ip"].map { "\($0):\(alert["source_port"] ?? "")" } ?? "")
        html.element("td", [alert["child_executable"], alert["child_pid"].map { "pid \($0)" }].compactMap { $0 }.joined(separator: " "))
        html.element("td", alert["child_entity_id"] ?? "")
        html.open("td")
        if let commandLine = alert["child_command_line"] {
            html.element("code", commandLine)
            if let script = EncodedPowerShell.decode(commandLine) { html.element("pre", script, ["class": "decoded"]) }
        }
        html.close("td")
        html.element("td", [alert["network_source"], alert["process_source"]].compactMap { $0 }.joined(separator: " "))
        html.close("tr")
    }
}
