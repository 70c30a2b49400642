import Model
import Store

/// Events a rule cannot fire without: `-- needs: network name=services.exe direction=incoming
/// -- hint`. Coverage checks each need per host, so zero alerts can be told apart from
/// "nothing was logged".
public struct RuleNeed: Sendable, Equatable {
    public var event: EventNeed
    /// Why such events may be missing (printed with the coverage gap), or empty.
    public var hint: String

    public init(event: EventNeed, hint: String = "") {
        self.event = event
        self.hint = hint
    }

    init(declaration: String, at: String) throws {
        let declared = HeaderDeclaration(declaration)
        let words = declared.words, hint = declared.help
        guard let first = words.first, let kind = EventNeed.Kind(rawValue: first.lowercased()) else {
            throw RuleError("\(at): needs reads `-- needs: process|network|logon|service [name=NAME] [direction=incoming|outgoing] [-- hint]`")
        }
        var need = EventNeed(kind: kind)
        for word in words.dropFirst() {
            let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, !pair[1].isEmpty else { throw RuleError("\(at): \"\(word)\" is not key=value") }
            switch (pair[0].lowercased(), kind) {
            case ("name", .process), ("name", .network): need.name = pair[1]
            case ("direction", .network) where ["incoming", "outgoing"].contains(pair[1].lowercased()):
                need.direction = pair[1].lowercased()
            default:
                throw RuleError("\(at): needs takes name=NAME (process, network), and direction=incoming|outgoing for network events; not \"\(word)\"")
            }
        }
        self.event = need
        self.hint = hint
    }

    /// What the gap reads like: `no incoming network events of services.exe`.
    public var missingText: String {
        switch (event.kind, event.name, event.direction) {
        case (.logon, _, _): "no logon events (Security 4624 / 4625)"
        case (.service, _, _): "no service install events (System 7045, Security 4697, Sysmon 13 ImagePath)"
        case (.process, nil, _): "no process start events (Sysmon Event ID 1 / ECS process start)"
        case (.network, nil, nil): "no network connection events (Sysmon Event ID 3 / ECS network)"
        case (.process, let name?, _): "no process start events of \(name)"
        case (.network, let name?, let direction?): "no \(direction) network events of \(name)"
        case (.network, let name?, nil): "no network events of \(name)"
        case (.network, nil, let direction?): "no \(direction) network events"
        }
    }

    /// The coverage table's column for this need: `process_starts`, `network_events`,
    /// `services_incoming`.
    public var label: String {
        let base = event.name.map { name in
            (name.lowercased().hasSuffix(".exe") ? String(name.dropLast(4)) : name).lowercased()
        }
        switch (event.kind, base, event.direction) {
        case (.logon, _, _): return "logons"
        case (.service, _, _): return "service_installs"
        case (.process, nil, _): return "process_starts"
        case (.network, nil, nil): return "network_events"
        case (.process, let base?, _): return "\(base)_processes"
        case (.network, let base?, let direction): return "\(base)_\(direction ?? "network")"
        case (.network, nil, let direction?): return "\(direction)_network"
        }
    }
}
