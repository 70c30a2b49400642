import Foundation
import Testing
@testable import Report

/// The report's pieces: escaping, decoding encoded PowerShell, bursts, the page's CSP.
struct ReportTests {
    @Test func testEscape_makesEveryMarkupCharacterText() {
        #expect(HTMLWriter.escape(#"<script>alert("x")</script> & 'y'"#) == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;")
        var html = HTMLWriter()
        html.open("td", ["data-host": #"a"><script>"#])
        #expect(html.text == #"<td data-host="a&quot;&gt;&lt;script&gt;">"#)
    }

    @Test func testEncodedPowerShell_decodesEveryAcceptedSpelling() {
        let value = "dwBoAG8AYQBtAGkA"   // UTF-16LE "whoami"
        for commandLine in ["powershell -enc \(value)", "PowerShell.exe -NoP -EncodedCommand \(value)",
                            #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe /e \#(value)"#,
                            "pwsh -ec \(value)", "powershell -en dwBoAG8AYQBtAGkA="] {
            #expect(EncodedPowerShell.decode(commandLine) == "whoami", "\(commandLine)")
        }
    }

    @Test func testEncodedPowerShell_leavesOtherCommandLinesAlone() {
        #expect(EncodedPowerShell.decode("cmd.exe /c echo -enc dwBoAG8AYQBtAGkA") == nil, "not PowerShell")
        #expect(EncodedPowerShell.decode("powershell -ExecutionPolicy Bypass -File x.ps1") == nil, "no encoded command")
        #expect(EncodedPowerShell.decode("powershell -enc !!!notbase64") == nil)
        #expect(EncodedPowerShell.decode("powershell -enc AAAA") == nil, "NULs are not a script")
        #expect(EncodedPowerShell.decode("powershell -enc") == nil, "no value")
    }

    @Test func testCards_groupABurstPerRuleAndHost() {
        func alert(_ rule: String, _ host: String, _ seconds: Int64) -> ReportAlert {
            ReportAlert(ruleID: rule, ruleName: rule, severity: "medium", host: host, timeMicros: seconds * 1_000_000,
                        fields: [("child_executable", "c\(seconds).exe")], suppressedBy: nil)
        }
        let cards = AlertCard.group([alert("r", "A", 100), alert("r", "A", 130), alert("r", "B", 131), alert("q", "A", 131),
                                     alert("r", "A", 200), alert("r", "a", 10)], gapMicros: 60_000_000)
        #expect(cards.map { "\($0.ruleID) \($0.host) \($0.alerts.count)" } == ["r a 1", "r A 2", "r B 1", "q A 1", "r A 1"])
    }

    @Test func testPage_policyAllowsExactlyItsOwnScript() throws {
        let policy = ReportPage.contentSecurityPolicy
        #expect(policy.hasPrefix("default-src 'none';"))
        let digest = try #require(policy.split(separator: "'").first { $0.hasPrefix("sha256-") })
        #expect(Data(base64Encoded: String(digest.dropFirst(7)))?.count == 32)
    }
}
