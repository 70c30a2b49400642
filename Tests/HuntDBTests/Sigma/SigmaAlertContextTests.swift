import XCTest
import HuntDB

/// `huntdb-context: remote_service` in a Sigma rule gives its alerts the native rules' context
/// columns (issue 17); the process's own LogonId is then `process_logon_id`, so `logon_id` means
/// the network logon on every remote-service alert.
final class SigmaAlertContextTests: XCTestCase {
    private func rule(_ extra: String, category: String = "process_creation") -> String {
        """
        title: Child of services.exe
        id: 5e1f0000-0000-4000-8000-00000000c017
        logsource:
            category: \(category)
            product: windows
        detection:
            selection:
                ParentImage|endswith: '\\services.exe'
            condition: selection
        \(extra)
        level: high

        """
    }

    private func detectionRule(_ yaml: String) throws -> DetectionRule {
        let compiled = try SigmaCompiler().compile(try SigmaRule(yaml: yaml, path: "rules/child.yml"))
        return try compiled.detectionRule(storedColumns: nil, builtIn: false)
    }

    func testContextKey_addsTheContextColumnsAndRenamesTheProcessLogonID() throws {
        let rule = try detectionRule(rule("huntdb-context: remote_service"))
        XCTAssertEqual(rule.context, .remoteService)
        let keys = rule.alertKeys
        for column in AlertContextKind.remoteService.columns.map(\.name) {
            XCTAssertEqual(keys.filter { $0 == column }.count, 1, "\(column) in \(keys)")
        }
        XCTAssertTrue(keys.contains("process_logon_id"), "\(keys)")
        // The context reads the event's time as process_time, a hidden column.
        XCTAssertEqual(rule.column("process_time")?.hidden, true)
        XCTAssertFalse(keys.contains("process_time"))
        XCTAssertTrue(rule.query.sql.contains("AS process_logon_id"))
    }

    func testWithoutTheKey_theLayoutIsUnchanged() throws {
        let rule = try detectionRule(rule(""))
        XCTAssertNil(rule.context)
        XCTAssertTrue(rule.alertKeys.contains("logon_id"))
        XCTAssertFalse(rule.alertKeys.contains("process_logon_id"))
        XCTAssertFalse(rule.alertKeys.contains("logon_user"))
    }

    func testNetworkRule_readsItsTimeAsNetworkTime() throws {
        let yaml = """
            title: Connection to services.exe
            id: 5e1f0000-0000-4000-8000-00000000c018
            logsource:
                category: network_connection
                product: windows
            detection:
                selection:
                    Image|endswith: '\\services.exe'
                condition: selection
            huntdb-context: remote_service

            """
        let rule = try detectionRule(yaml)
        XCTAssertEqual(rule.context, .remoteService)
        XCTAssertEqual(rule.column("network_time")?.hidden, true)
        XCTAssertTrue(rule.alertKeys.contains("logon_user"))
    }

    func testUnknownContext_isNamedWithTheFile() {
        XCTAssertThrowsError(try SigmaRule(yaml: rule("huntdb-context: kerberos"), path: "rules/child.yml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("rules/child.yml"), text)
            XCTAssertTrue(text.contains("huntdb-context"), text)
            XCTAssertTrue(text.contains("kerberos"), text)
            XCTAssertTrue(text.contains("remote_service"), text)
        }
    }

    func testBuiltInRemoteServiceRules_carryTheContext() {
        let set = SigmaRuleSet.builtIn(compiler: SigmaCompiler())
        let contexts = Dictionary(uniqueKeysWithValues: set.statuses.compactMap { status in
            status.compiled.map { ($0.ruleID, $0.rule.alertContext) }
        })
        XCTAssertEqual(contexts["71ce7516-4fe3-4497-b85c-9212ec62da15"], .remoteService)
        XCTAssertEqual(contexts["3f46963a-73b4-4844-a243-d673157d218a"], .remoteService)
    }
}
