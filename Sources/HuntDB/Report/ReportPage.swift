import Foundation
import Model

/// Renders a `CaseReport` as one self-contained HTML page: inline CSS, inline SVG charts and
/// one inline script allowed by hash in the page's Content-Security-Policy, so nothing is
/// fetched and no script that got into the data could run.
public struct ReportPage {
    public let report: CaseReport

    public init(report: CaseReport) {
        self.report = report
    }

    /// The whole page.
    public func render() -> String {
        var html = HTMLWriter()
        html.markup("<!DOCTYPE html>\n")
        html.open("html", ["lang": "en"])
        html.open("head")
        html.markup("<meta charset=\"utf-8\">")
        html.open("meta", ["http-equiv": "Content-Security-Policy", "content": Self.contentSecurityPolicy])
        html.markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.element("title", report.title)
        html.appendTrusted("<style>" + ReportAssets.css + "</style>")
        html.close("head")
        html.open("body")
        header(&html)
        html.markup("<nav><a href=\"#alerts\">Alerts</a><a href=\"#suppressed\">Suppressed</a><a href=\"#coverage\">Coverage</a><a href=\"#loaded\">Loaded</a></nav>")
        html.open("main")
        glance(&html)
        charts(&html)
        alerts(&html)
        suppressed(&html)
        coverage(&html)
        loaded(&html)
        html.close("main")
        html.appendTrusted("<script>" + ReportAssets.script + "</script>")
        html.close("body")
        html.close("html")
        return html.text + "\n"
    }

    /// Nothing from the network; styles inline; only our own script, named by its SHA-256.
    static var contentSecurityPolicy: String {
        let digest = Data(SHA256.hash(Array(ReportAssets.script.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-\(digest)'"
    }

    private func header(_ html: inout HTMLWriter) {
        html.open("header")
        html.element("h1", report.title)
        html.element("p", "Database \(report.location), report made \(Timestamp.iso8601(micros: report.generatedMicros)) by hunt report.")
        html.element("p", report.filters.isEmpty ? "Filters: none (every event, every host)." : "Filters: " + report.filters.joined(separator: " "))
        html.close("header")
    }

    /// The counts an analyst reads first, and the blind hosts.
    private func glance(_ html: inout HTMLWriter) {
        let blind = report.coverage.filter { !$0.gaps.isEmpty }.count
        html.open("div", ["class": "stats"])
        for (label, value) in [("alerts", report.alertCount), ("cards", report.cards.count),
                               ("suppressed", report.suppressed.reduce(0) { $0 + $1.count }),
                               ("hosts in range", report.coverage.count), ("blind hosts", blind),
                               ("sources", Int(report.totals.sources)), ("rejected records", Int(report.totals.rejectedRecords))] {
            html.open("div", ["class": "stat"])
            html.element("b", String(value))
            html.add(label)
            html.close("div")
        }
        html.close("div")
        if blind > 0 {
            html.element("p", "\(blind) blind host\(blind == 1 ? "" : "s") (see Coverage): some rules cannot fire there, so no alert there does not mean nothing happened.", ["class": "warn"])
        }
    }

    private func loaded(_ html: inout HTMLWriter) {
        html.markup("<section id=\"loaded\"><h2>What was loaded</h2>")
        html.markup("<h3>Events per kind (time range)</h3>")
        html.table(report.summary)
        html.markup("<h3>Hosts</h3>")
        html.table(report.hosts, limit: 500)
        html.markup("<h3>Sources</h3>")
        html.table(report.sources, limit: 500)
        html.markup("<h3>Rejected records</h3>")
        if report.rejects.rows.isEmpty {
            html.element("p", "None: every record read was loaded, a duplicate, or not relevant.", ["class": "note"])
        } else {
            html.table(report.rejects, limit: 200)
        }
        html.markup("</section>")
    }

    private func coverage(_ html: inout HTMLWriter) {
        html.markup("<section id=\"coverage\"><h2>Coverage per host</h2>")
        let blind = report.coverage.filter { !$0.gaps.isEmpty }
        if blind.isEmpty {
            html.element("p", "Every host in range has the events the rules need: no alert means nothing was seen.", ["class": "ok"])
        } else {
            html.element("p", "\(blind.count) blind host\(blind.count == 1 ? "" : "s"): some rules cannot fire there, so no alert does not mean nothing happened.", ["class": "warn"])
        }
        let table = ReportTable(columns: ["host"] + report.coverageNeeds + ["notes"], rows: report.coverage.map { host in
            [.text(host.gaps.isEmpty ? host.host : "\(host.host) (BLIND)")] + host.checks.map { .text($0.present ? "yes" : "no") }
                + [.text(host.gaps.isEmpty ? "all rules can fire" : host.gaps.joined(separator: "; "))]
        })
        html.table(table, limit: 2000) { $0.first?.description.hasSuffix("(BLIND)") == true ? "blind" : nil }
        html.markup("</section>")
    }

    private func charts(_ html: inout HTMLWriter) {
        html.markup("<section id=\"charts\"><h2>Alerts per rule, host and day</h2><div class=\"charts\">")
        let alerts = report.allAlerts
        func counts(_ key: (ReportAlert) -> String) -> [(label: String, count: Int)] {
            var counts: [String: Int] = [:]
            for alert in alerts { counts[key(alert), default: 0] += 1 }
            return counts.map { (label: $0.key, count: $0.value) }
        }
        let rules = counts(\.ruleID).sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
        var hosts = counts(\.host).sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
        if hosts.count > 25 {
            let rest = hosts[25...].reduce(0) { $0 + $1.count }
            hosts = Array(hosts.prefix(25)) + [(label: "\(hosts.count - 25) other hosts", count: rest)]
        }
        var days = counts { $0.timeMicros.map { String(Timestamp.iso8601(micros: $0).prefix(10)) } ?? "no time" }
            .sorted { $0.label < $1.label }
        if days.count > 60 { days = Array(days.suffix(60)) }
        html.appendTrusted(BarChart(title: "Alerts per rule", bars: rules).render())
        html.appendTrusted(BarChart(title: "Alerts per host", bars: hosts).render())
        html.appendTrusted(BarChart(title: "Alerts per day (UTC)", bars: days).render())
        html.markup("</div></section>")
    }

    private func alerts(_ html: inout HTMLWriter) {
        html.markup("<section id=\"alerts\"><h2>Alerts</h2>")
        for summary in report.summaries {
            html.element("p", "\(summary.ruleID): \(summary.alerts) alert\(summary.alerts == 1 ? "" : "s"), \(summary.suppressed) suppressed by the allowlist.", ["class": "note"])
        }
        html.markup("""
            <div class="controls"><label>host <select id="f-host"><option value="">all</option></select></label>\
            <label>rule <select id="f-rule"><option value="">all</option></select></label>\
            <label>severity <select id="f-severity"><option value="">all</option></select></label>\
            <label>sort <select id="f-sort"><option value="time">time</option><option value="severity">severity</option>\
            <option value="host">host</option><option value="count">most alerts</option></select></label>\
            <label>per page <select id="f-size"><option>25</option><option>100</option><option value="all">all</option></select></label>\
            <button id="f-prev" type="button">previous</button><button id="f-next" type="button">next</button>\
            <span id="f-status" class="note"></span></div>
            """)
        if !report.otherAlerts.isEmpty {
            html.element("p", "The \(report.cards.count) most severe bursts are cards below; the other \(report.otherAlerts.count) alerts are rows of the table after them (same filters). For their timelines run `hunt query run host_timeline` and `hunt query run process_tree` with the row's host, time and entity id.", ["class": "note"])
        }
        html.open("div", ["id": "cards"])
        for (index, card) in report.cards.enumerated() {
            CardRenderer(card: card, index: index, timelineMinutes: report.timelineMinutes).render(into: &html)
        }
        html.close("div")
        if report.cards.isEmpty {
            html.element("p", "No alerts in range.", ["class": "note"])
        }
        if !report.otherAlerts.isEmpty {
            html.markup("<h3 id=\"other-alerts\">Other alerts, one row each</h3>")
            html.markup("<div class=\"controls\"><button id=\"r-prev\" type=\"button\">previous</button><button id=\"r-next\" type=\"button\">next</button><span id=\"r-status\" class=\"note\"></span></div>")
            AlertRows(withRuleAndHost: true).render(report.otherAlerts, into: &html, id: "rows")
        }
        html.markup("</section>")
    }

    private func suppressed(_ html: inout HTMLWriter) {
        html.markup("<section id=\"suppressed\"><h2>Suppressed by the allowlist</h2>")
        if report.suppressed.isEmpty {
            html.element("p", "None.", ["class": "note"])
        } else {
            let table = ReportTable(columns: ["rule_id", "host", "child_executable", "count", "first_ts_us", "last_ts_us", "entry"],
                                    rows: report.suppressed.map { group in
                [.text(group.ruleID), .text(group.host), .text(group.child), .integer(Int64(group.count)),
                 group.firstMicros.map(RowValue.integer) ?? .null, group.lastMicros.map(RowValue.integer) ?? .null, .text(group.entry)]
            })
            html.table(table, limit: 2000)
        }
        html.markup("</section>")
    }
}
