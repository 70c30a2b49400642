import Foundation
import Model

/// The context of planted remote-service cases (issue 17): what Windows logs around a remote
/// service start besides the connection and the child, as flat NXLog NDJSON to load beside the
/// corpus.
///
/// For each planted case whose connection comes in over TCP from another host of the fleet:
/// - on the target, a Security 4624 network logon (type 3) from the connection's address and
///   port, 5–200 ms before it;
/// - on the child's host, a System 7045 service install whose image path is the child's command
///   line, between the connection and the child;
/// - on the attacking host, the `sc.exe` that did it (Sysmon 1) and its outgoing connection
///   (Sysmon 3, the same addresses and ports).
///
/// The corpus itself is untouched: these events are written from the planted cases after the
/// corpus was generated, with their own random sequence (seeded from the corpus seed), so the
/// corpus's events stay byte for byte what they were.
public enum PlantedContextEvents {
    /// The NDJSON lines (each ending in a newline) for the planted cases of `summary`.
    public static func flatNDJSON(_ summary: CorpusSummary, seed: UInt64) -> String {
        var random = SeededRandom(seed: seed ^ 0x17C0_47E7)
        var b = ByteBuffer(capacity: 4096)
        for (index, planted) in summary.plantedCases.enumerated() {
            let connection = planted.connection
            guard connection.transport == "tcp", !connection.initiated,
                  let attacker = summary.hosts.first(where: { $0 !== planted.host && ($0.ipv4 == connection.sourceIP || $0.ipv6 == connection.sourceIP) })
            else { continue }
            let record = Int64(900_000_000 + 10 * index)
            let logonMicros = planted.networkMicros - Int64(random.int(in: 5...200)) * 1000
            let account = "adm-\(["ops", "helpdesk", "backup", "deploy"][random.index(4)])"
            appendWindows(4624, host: planted.host, micros: logonMicros, record: record, into: &b) { f in
                f("TargetUserName", account)
                f("TargetDomainName", FleetCatalog.netbiosDomain)
                f("TargetLogonId", "0x" + String(0x4000_0000 + random.int(in: 0...0xFF_FFFF), radix: 16))
                f("LogonType", "3")
                f("IpAddress", connection.sourceIP.sysmon)
                f("IpPort", String(connection.sourcePort))
                f("WorkstationName", attacker.name.split(separator: ".").first.map { String($0).uppercased() } ?? "-")
                f("LogonProcessName", "NtLmSsp ")
                f("AuthenticationPackageName", "NTLM")
                f("ProcessId", "0x0")
                f("ProcessName", "-")
            }
            let serviceName = "Upd" + String(random.int(in: 0x1000...0xFFFF), radix: 16)
            let first = min(planted.networkMicros, planted.childMicros), last = max(planted.networkMicros, planted.childMicros)
            let installMicros = first + (last - first) / 2
            appendWindows(7045, host: planted.childHost, micros: installMicros, record: record + 1, into: &b) { f in
                f("ServiceName", serviceName)
                f("ImagePath", planted.child.commandLine)
                f("ServiceType", "user mode service")
                f("StartType", "demand start")
                f("AccountName", "LocalSystem")
            }
            // The attacker's sc.exe, started 1–3 s before the connection, and its connection.
            let startMicros = planted.networkMicros - Int64(random.int(in: 1000...3000)) * 1000
            let user = attacker.primaryUser ?? UserAccount(domain: FleetCatalog.netbiosDomain, name: account, logonID: "0x5c1f2")
            let parent = SyntheticProcess(
                guid: SysmonGUID(prefix: attacker.guidPrefix, seconds: startMicros / 1_000_000 - 60, counter: 0xFFF0_0000 | UInt32(2 * index), bootTag: 0xFC),
                pid: Int64(40_000 + 8 * index), program: FleetCatalog.cmd, commandLine: "cmd.exe",
                currentDirectory: "C:\\Users\\\(user.name)\\", user: user, integrityLevel: "High", parent: nil,
                startMicros: startMicros - 60_000_000, session: 1, agentID: attacker.agentID, logonGUID: SysmonGUID(high: 0, low: 0))
            let tool = SyntheticProcess(
                guid: SysmonGUID(prefix: attacker.guidPrefix, seconds: startMicros / 1_000_000, counter: 0xFFF0_0000 | UInt32(2 * index + 1), bootTag: 0xFC),
                pid: Int64(40_004 + 8 * index), program: FleetCatalog.sc,
                commandLine: "sc.exe \\\\\(planted.childHost.name) create \(serviceName) binPath= \"\(planted.child.commandLine.replacingQuotes())\"",
                currentDirectory: parent.currentDirectory, user: user, integrityLevel: "High", parent: parent,
                startMicros: startMicros, session: 1, agentID: attacker.agentID, logonGUID: SysmonGUID(high: 0, low: 0))
            var start = SyntheticEvent(kind: .processCreate, host: attacker, timeMicros: startMicros, process: tool)
            start.recordID = record + 2
            SysmonFlatRenderer.render(start, into: &b)
            var outgoing = SyntheticEvent(kind: .networkConnection, host: attacker, timeMicros: planted.networkMicros - 1000, process: tool)
            outgoing.recordID = record + 3
            outgoing.connection = SyntheticConnection(
                transport: "tcp", initiated: true, sourceIP: connection.sourceIP, sourcePort: connection.sourcePort, sourceHostname: attacker.name,
                destinationIP: connection.destinationIP, destinationPort: connection.destinationPort, destinationHostname: nil, destinationPortName: nil)
            SysmonFlatRenderer.render(outgoing, into: &b)
        }
        return b.string
    }

    /// One NXLog flat Security (4624) or System (7045) record.
    private static func appendWindows(_ eventID: Int, host: SyntheticHost, micros: Int64, record: Int64, into b: inout ByteBuffer,
                                      fields: ((String, String) -> Void) -> Void) {
        let system = eventID == 7045
        b.append("{\"EventID\":")
        b.appendDecimal(eventID)
        b.append(system ? ",\"SourceName\":\"Service Control Manager\",\"Channel\":\"System\"" : ",\"SourceName\":\"Microsoft-Windows-Security-Auditing\",\"Channel\":\"Security\"")
        b.append(",\"Hostname\":")
        b.appendJSONString(host.name)
        b.append(",\"RecordNumber\":")
        b.appendDecimal(record)
        b.append(",\"EventTime\":\"")
        b.appendISOTime(micros)
        b.append("\"")
        fields { name, value in
            b.append(",")
            b.appendJSONString(name)
            b.append(":")
            b.appendJSONString(value)
        }
        b.append("}\n")
    }
}

private extension String {
    /// A command line inside `binPath= "…"`: its own quotes escaped as sc.exe wants them.
    func replacingQuotes() -> String { replacingOccurrences(of: "\"", with: "\\\"") }
}
