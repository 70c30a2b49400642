import Foundation
import XCTest

/// `hunt report` through the real binary, opened in a real browser (Chromium headless).
final class ReportCLITests: XCTestCase {
    /// Base64 of UTF-16LE `Write-Host 'decoded-marker'`.
    static let encoded = "VwByAGkAdABlAC0ASABvAHMAdAAgACcAZABlAGMAbwBkAGUAZAAtAG0AYQByAGsAZQByACcA"
    /// A command line that would run script if it became markup.
    static let hostile = #"cmd.exe /c echo <script>document.title='PWNED';document.body.setAttribute('data-pwned','1')</script><img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">"#

    /// The planted pair on WS6, plus on WS7 a burst of two children 200 ms apart: one with a
    /// hostile command line, one PowerShell with an encoded command.
    static var events: String {
        let ws7 = "WS7.corp.example"
        return (Events.lateralMovement + [
            Events.network(record: 20, time: "2020-09-21 10:00:00.000", host: ws7),
            Events.process(record: 21, time: "2020-09-21 10:00:00.300", guid: "{d273d0f0-8078-5f67-cb06-000000000900}",
                           image: #"C:\\Windows\\Temp\\evil<b>.exe"#, commandLine: hostile, host: ws7),
            Events.process(record: 22, time: "2020-09-21 10:00:00.500", guid: "{d273d0f0-8078-5f67-cb06-000000000901}",
                           image: #"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"#,
                           commandLine: "powershell.exe -nop -w hidden -enc \(encoded)", host: ws7),
        ]).joined(separator: "\n") + "\n"
    }

    func testReport_opensInABrowserWithEveryAlertAndNoInjectedScript() throws {
        let chromium = try HeadlessChromium.find()
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("events.json", Self.events)]).status, 0)
        let html = dir.path("case.html")
        let report = try HuntProcess.run(["report", "--db", db, "--output", html])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertEqual(report.stdout, "")
        XCTAssertTrue(report.stderr.contains("wrote \(html)"), report.stderr)

        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertFalse(text.contains("<script>document"), "the command line is escaped in the file")
        XCTAssertEqual(text.components(separatedBy: "<script").count, 2, "exactly one script: ours")
        for external in ["src=\"http", "href=\"http", "@import", "url("] {
            XCTAssertFalse(text.contains(external), "nothing fetched: \(external)")
        }
        XCTAssertTrue(text.contains("Content-Security-Policy"))

        let dom = try chromium.dumpDOM(html)
        XCTAssertTrue(dom.contains(#"data-ready="1""#), "the page's own script ran under its CSP")
        let body = try XCTUnwrap(dom.range(of: "<body").map { dom[$0.lowerBound...].prefix { $0 != ">" } })
        XCTAssertTrue(body.contains("data-ready"), String(body))
        XCTAssertFalse(body.contains("data-pwned") || dom.contains(#"data-pwned=""#), "the injected script and onerror did not run: \(body)")
        XCTAssertFalse(dom.contains("<title>PWNED"), "the injected script did not run")
        XCTAssertTrue(dom.contains("&lt;script&gt;document.title="), "the hostile command line shows as text")
        XCTAssertTrue(dom.contains(#"C:\Windows\Temp\evil&lt;b&gt;.exe"#), "the hostile path shows as text")
        XCTAssertTrue(dom.contains("Write-Host 'decoded-marker'") || dom.contains("Write-Host &#39;decoded-marker&#39;"),
                      "the -enc PowerShell is decoded")

        // Every alert `hunt detect` finds has its host and child in the page.
        let detect = try HuntProcess.run(["detect", "--db", db, "--format", "json"])
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(alerts.count, 5, detect.stderr)
        for alert in alerts {
            let host = try XCTUnwrap(alert["host"] as? String)
            XCTAssertTrue(dom.contains("data-host=\"\(host)\""), "card of \(host)")
            if let child = alert["child_executable"] as? String {
                let escaped = child.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                XCTAssertTrue(dom.contains(escaped), "child \(child) of \(alert["rule_id"] ?? "")")
            }
            if let entity = alert["child_entity_id"] as? String { XCTAssertTrue(dom.contains(entity), entity) }
            if let pointer = alert["process_source"] as? String { XCTAssertTrue(dom.contains(pointer), pointer) }
        }
        XCTAssertTrue(dom.contains("f-status") && dom.contains(" cards ("), "the filter bar counted the cards")
        XCTAssertTrue(dom.contains("Host timeline ±5 minutes"), "each card has the host's timeline")
        XCTAssertTrue(dom.contains(#"<tr class="hit">"#), "the alert's own events are highlighted in it")
        XCTAssertTrue(dom.contains("Process tree of {d273d0f0-8078-5f67-cb06-000000000800}") || dom.contains("Process tree of d273d0f0-8078-5f67-cb06-000000000800"),
                      "the child's process tree")
        XCTAssertTrue(dom.contains("Suppressed by the allowlist") && dom.contains("PSEXESVC.EXE"), "suppressed alerts are grouped")

        let png = try chromium.screenshot(html, to: dir.path("top.png"))
        XCTAssertGreaterThan(png.count, 30_000, "the screenshot shows a page, not a blank one")
        let cards = try chromium.screenshot(html, to: dir.path("cards.png"), fragment: "#alerts")
        XCTAssertGreaterThan(cards.count, 30_000, "the alert cards render")
        if let keep = ProcessInfo.processInfo.environment["HUNT_KEEP_SCREENSHOTS"] {
            try? FileManager.default.copyItem(atPath: dir.path("top.png"), toPath: keep + "/report-top.png")
            try? FileManager.default.copyItem(atPath: dir.path("cards.png"), toPath: keep + "/report-cards.png")
        }
    }

    /// Beyond --detailed-cards, alerts are table rows; the page still holds every one and its
    /// filters count them.
    func testReport_alertsBeyondTheCardsAreRowsInTheBrowser() throws {
        let chromium = try HeadlessChromium.find()
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("events.json", Self.events)]).status, 0)
        let html = dir.path("rows.html")
        let report = try HuntProcess.run(["report", "--db", db, "--detailed-cards", "1", "-o", html])
        XCTAssertEqual(report.status, 0, report.stderr)
        let dom = try chromium.dumpDOM(html)
        let detect = try HuntProcess.run(["detect", "--db", db, "--format", "json"])
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]])
        XCTAssertTrue(dom.contains("1 of 1 cards"), "one card")
        XCTAssertTrue(dom.contains("of \(alerts.count - 1) other alerts") || dom.contains("of \(alerts.count - 2) other alerts"),
                      "the rest are rows, counted by the page's script")
        for alert in alerts {
            XCTAssertTrue(dom.contains("<td>\(try XCTUnwrap(alert["host"] as? String))</td>") || dom.contains("data-host=\"\(alert["host"] ?? "")\""))
            if let entity = alert["child_entity_id"] as? String { XCTAssertTrue(dom.contains(entity), entity) }
        }
        XCTAssertTrue(dom.contains("Write-Host 'decoded-marker'") || dom.contains("Write-Host &#39;decoded-marker&#39;"))
        XCTAssertFalse(dom.contains("<script>document"))
    }

    func testReport_filtersAndErrors() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("events.json", Self.events)]).status, 0)
        let html = dir.path("ws6.html")
        let report = try HuntProcess.run(["report", "--db", db, "--host", "WS6", "--rule", "remote_service_rpc", "-o", html])
        XCTAssertEqual(report.status, 0, report.stderr)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(text.contains(#"data-host="WS6.corp.example""#))
        XCTAssertFalse(text.contains(#"data-host="WS7.corp.example""#), "--host limits the cards")
        XCTAssertTrue(text.contains("--host WS6 --rule remote_service_rpc"), "the header names the filters")
        XCTAssertTrue(report.stderr.contains("1 alert in 1 card"), report.stderr)

        let missing = try HuntProcess.run(["report", "--db", db])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("--output"), missing.stderr)
        let badRule = try HuntProcess.run(["report", "--db", db, "--rule", "nope", "-o", dir.path("x.html")])
        XCTAssertNotEqual(badRule.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("x.html")), "no file on error")
    }

    /// Sigma rules feed the report like SQL rules: the same options as `hunt detect`.
    func testReport_takesSigmaRules() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("case.db")
        XCTAssertEqual(try HuntProcess.run(["load", "--db", db, try dir.write("events.json", Self.events)]).status, 0)
        let detect = try HuntProcess.run(["detect", "--db", db, "--sigma", "builtin", "--format", "json"])
        let alerts = try XCTUnwrap(try JSONSerialization.jsonObject(with: detect.stdoutData) as? [[String: Any]], detect.stderr)
        XCTAssertFalse(alerts.isEmpty, detect.stderr)
        let html = dir.path("sigma.html")
        let report = try HuntProcess.run(["report", "--db", db, "--sigma", "builtin", "-o", html])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stderr.contains("Sigma rules will run"), report.stderr)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(text.contains("--sigma builtin"), "the header names the Sigma rules")
        for id in Set(alerts.compactMap { $0["rule_id"] as? String }) {
            XCTAssertTrue(text.contains(id), "the report holds the alerts of Sigma rule \(id)")
        }
        XCTAssertFalse(text.contains("remote_service_rpc"), "--sigma without --rule runs only the Sigma rules")
    }
}
