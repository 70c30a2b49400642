import Model

/// Renders one alert card: the chain source → services.exe → child for each alert, the decoded
/// PowerShell, the raw-record pointers, the host's timeline and the children's process trees.
struct CardRenderer {
    let card: AlertCard
    let index: Int
    let timelineMinutes: Int
    /// Alerts drawn as a full chain; the rest of a burst are compact rows in a collapsed table.
    static let openAlerts = 3
    /// Keys the chain shows; any other key of the rule is listed under the chain.
    static let chainKeys: Set<String> = [
        "rule_id", "rule_name", "severity", "host", "network_time", "process_time", "delta_ms", "source_ip", "source_port",
        "destination_ip", "destination_port", "services_entity_id", "services_pid", "child_entity_id", "child_pid",
        "child_executable", "child_command_line", "child_user", "connections_in_window", "network_source", "process_source",
    ]

    func render(into html: inout HTMLWriter) {
        let severity = card.severity.lowercased()
        html.open("article", ["class": "card sev-\(severity)", "id": "card-\(index + 1)", "data-host": card.host,
                              "data-rule": card.ruleID, "data-severity": severity,
                              "data-rank": String(SeverityRank.rank(severity)), "data-time": String(card.firstMicros ?? 0),
                              "data-count": String(card.alerts.count)])
        html.open("h3")
        html.element("span", card.severity, ["class": "badge sev-\(severity)"])
        html.add(" \(card.host) — \(card.ruleName) (\(card.ruleID))")
        html.close("h3")
        var when = card.firstMicros.map(Timestamp.iso8601) ?? "no time"
        if let last = card.lastMicros, last != card.firstMicros { when += " to " + Timestamp.iso8601(micros: last) }
        html.element("p", "\(card.alerts.count) alert\(card.alerts.count == 1 ? "" : "s"), \(when). Allowlist: not suppressed by any entry.", ["class": "note"])
        for alert in card.alerts.prefix(Self.openAlerts) { self.alert(alert, into: &html) }
        if card.alerts.count > Self.openAlerts {
            html.open("details")
            html.element("summary", "\(card.alerts.count - Self.openAlerts) more alerts in this burst")
            AlertRows(withRuleAndHost: false).render(card.alerts.dropFirst(Self.openAlerts), into: &html)
            html.close("details")
        }
        timeline(into: &html)
        trees(into: &html)
        html.close("article")
    }

    private func alert(_ alert: ReportAlert, into html: inout HTMLWriter) {
        html.open("div", ["class": "alert"])
        html.open("div", ["class": "chain"])
        if let ip = alert["source_ip"] {
            node("\(ip):\(alert["source_port"] ?? "?")", "→ \(alert["destination_ip"].map { "\($0):" } ?? "port ")\(alert["destination_port"] ?? "?")", into: &html)
            html.markup("<span class=\"arrow\">→</span>")
        }
        if alert["services_entity_id"] != nil || alert["services_pid"] != nil {
            node("services.exe", [alert["services_pid"].map { "pid \($0)" }, alert["services_entity_id"]].compactMap { $0 }.joined(separator: " "), into: &html)
        }
        if let child = alert["child_executable"] {
            if alert["services_entity_id"] != nil || alert["services_pid"] != nil { html.markup("<span class=\"arrow\">→</span>") }
            node(child, [alert["child_pid"].map { "pid \($0)" }, alert["child_entity_id"], alert["child_user"]].compactMap { $0 }.joined(separator: " "), into: &html)
        }
        html.close("div")
        var facts: [String] = []
        if let time = alert.timeMicros { facts.append(Timestamp.iso8601(micros: time)) }
        if let delta = alert["delta_ms"] { facts.append("delta \(delta) ms") }
        if let count = alert["connections_in_window"] { facts.append("\(count) connection\(count == "1" ? "" : "s") in window") }
        if !facts.isEmpty { html.element("div", facts.joined(separator: " · "), ["class": "note"]) }
        if let commandLine = alert["child_command_line"] {
            html.element("pre", commandLine, ["class": "cmd"])
            if let script = EncodedPowerShell.decode(commandLine) {
                html.element("div", "decoded -EncodedCommand:", ["class": "note"])
                html.element("pre", script, ["class": "decoded"])
            }
        }
        let pointers = [alert["network_source"], alert["process_source"]].compactMap { $0 }
        if !pointers.isEmpty { html.element("div", "raw records: " + pointers.joined(separator: "  "), ["class": "note mono"]) }
        let others = alert.fields.filter { !Self.chainKeys.contains($0.key) && !$0.value.isEmpty }
        if !others.isEmpty {
            html.element("div", others.map { "\($0.key)=\($0.value)" }.joined(separator: "  "), ["class": "note mono"])
        }
        html.close("div")
    }

    private func node(_ title: String, _ detail: String, into html: inout HTMLWriter) {
        html.open("span", ["class": "node"])
        html.element("b", title)
        let detail = detail.trimmingCharacters(in: .whitespaces)
        if !detail.isEmpty {
            html.add(" ")
            html.element("span", detail, ["class": "mono"])
        }
        html.close("span")
    }

    private func timeline(into html: inout HTMLWriter) {
        guard let timeline = card.timeline else { return }
        if index < 3 { html.open("details", ["open": ""]) } else { html.open("details") }
        html.element("summary", "Host timeline ±\(timelineMinutes) minutes around the first alert (\(timeline.rows.count) events\(card.timelineOmitted > 0 ? ", \(card.timelineOmitted) farther ones left out" : ""); the alert's events highlighted)")
        let events = AlertEvents(card)
        let shown = timeline.selecting(["ts_us", "offset_ms", "kind", "pid", "entity_id", "executable", "detail"])
        html.table(shown, cellLimit: 240, css: "timeline") { events.contains($0, in: shown) ? "hit" : nil }
        html.close("details")
    }

    private func trees(into html: inout HTMLWriter) {
        for tree in card.trees {
            html.open("details")
            html.element("summary", "Process tree of \(tree.entityID): \(max(tree.processes.rows.count - 1, 0)) descendant\(tree.processes.rows.count == 2 ? "" : "s"), \(tree.connections.rows.count) connection\(tree.connections.rows.count == 1 ? "" : "s")")
            html.open("ul", ["class": "tree"])
            for row in tree.processes.rows {
                let depth = Int(tree.processes.value(row, "depth").description) ?? 0
                html.open("li", ["style": "margin-left:\(depth * 20)px"])
                html.element("b", tree.processes.value(row, "executable").description)
                html.add(" pid \(tree.processes.value(row, "pid")) ")
                if case .integer(let ts) = tree.processes.value(row, "ts_us") { html.add(Timestamp.iso8601(micros: ts) + " ") }
                html.element("code", tree.processes.value(row, "command_line").description)
                html.close("li")
            }
            html.close("ul")
            if !tree.connections.rows.isEmpty { html.table(tree.connections, limit: 100) }
            html.close("details")
        }
    }
}

import Foundation
