import Model

/// Elastic Defend documents: `event.category`/`type`/`action`, `process.*` with opaque
/// case-sensitive entity ids, `network.*`, `source.*`, `destination.*`, `host.id`.
///
/// The noise maps to Defend's own kinds: process end (Sysmon 5), library load (7), network
/// `disconnect_received` (10, Defend logs no process access), file creation (11), registry
/// modification (13) and DNS lookup (22).
enum ECSRenderer: EventRenderer {
    static func render(_ event: SyntheticEvent, into b: inout ByteBuffer) {
        let (dataset, category, type, action) = classification(event)
        b.append("{\"@timestamp\":\"")
        b.appendISOTime(event.timeMicros)
        b.append("\",\"agent\":{\"id\":\"")
        b.appendRaw(event.host.agentID)
        b.append("\",\"type\":\"endpoint\",\"version\":\"8.11.1\"},\"data_stream\":{\"dataset\":\"")
        b.append(dataset)
        b.append("\",\"namespace\":\"default\",\"type\":\"logs\"},\"ecs\":{\"version\":\"8.10.0\"},\"event\":{\"id\":\"")
        appendEventID(event, into: &b)
        b.append("\",\"kind\":\"event\",\"category\":[\"")
        b.append(category)
        b.append("\"],\"type\":")
        b.append(type)
        b.append(",\"action\":\"")
        b.append(action)
        b.append("\",\"dataset\":\"")
        b.append(dataset)
        b.append("\",\"module\":\"endpoint\",\"sequence\":")
        b.appendDecimal(event.recordID)
        b.append(",\"created\":\"")
        b.appendISOTime(event.timeMicros)
        b.append("\",\"ingested\":\"")
        b.appendISOTime(event.loggedMicros + NXLogTiming.receiveDelay(event))
        b.append("\"},\"host\":{\"id\":\"")
        b.appendRaw(event.host.ecsHostID)
        b.append("\",\"name\":")
        b.appendJSONString(event.host.ecsName)
        b.append(",\"hostname\":")
        b.appendJSONString(event.host.ecsName)
        b.append(",\"ip\":[\"")
        b.appendRaw(event.host.ipv4.ecs)
        b.append("\",\"")
        b.appendRaw(event.host.ipv6.ecs)
        b.append("\"],\"os\":{\"family\":\"windows\",\"name\":\"Windows\",\"type\":\"windows\",\"version\":\"22H2\",\"full\":\"Windows 10 Enterprise 22H2 (10.0.19045.3693)\"}}")
        appendProcess(event, into: &b)
        appendUser(event.process.user, into: &b)
        switch event.kind {
        case .networkConnection: appendNetwork(event.connection!, event: event, into: &b)
        case .processAccess: appendDisconnect(event, into: &b)
        case .imageLoad:
            let module = event.targetProgram ?? event.process.program
            b.append(",\"dll\":{\"path\":")
            b.appendJSONString(module.image)
            b.append(",\"name\":")
            b.appendJSONString(module.name)
            b.append(",\"hash\":{\"sha256\":\"")
            b.appendRaw(module.sha256)
            b.append("\"},\"code_signature\":{\"subject_name\":\"Microsoft Windows\",\"trusted\":true}}")
        case .fileCreate:
            b.append(",\"file\":{\"path\":")
            b.appendJSONString(event.target ?? "")
            b.append("}")
        case .registryValueSet:
            b.append(",\"registry\":{\"path\":")
            b.appendJSONString(event.target ?? "")
            b.append(",\"data\":{\"strings\":[")
            b.appendJSONString(event.targetDetails ?? "")
            b.append("]}}")
        case .dnsQuery:
            b.append(",\"dns\":{\"question\":{\"name\":")
            b.appendJSONString(event.target ?? "")
            b.append(",\"type\":\"A\"},\"resolved_ip\":[]}")
        case .processCreate, .processTerminate:
            break
        }
        b.append(",\"message\":\"Endpoint ")
        b.append(category)
        b.append(" event\"}\n")
    }

    private static func classification(_ event: SyntheticEvent) -> (StaticString, StaticString, StaticString, StaticString) {
        switch event.kind {
        case .processCreate: ("endpoint.events.process", "process", "[\"start\"]", "start")
        case .processTerminate: ("endpoint.events.process", "process", "[\"end\"]", "end")
        case .networkConnection:
            ("endpoint.events.network", "network", "[\"start\"]", event.connection!.initiated ? "connection_attempted" : "connection_accepted")
        case .processAccess: ("endpoint.events.network", "network", "[\"end\"]", "disconnect_received")
        case .imageLoad: ("endpoint.events.library", "library", "[\"start\"]", "load")
        case .fileCreate: ("endpoint.events.file", "file", "[\"creation\"]", "creation")
        case .registryValueSet: ("endpoint.events.registry", "registry", "[\"change\"]", "modification")
        case .dnsQuery: ("endpoint.events.network", "network", "[\"protocol\",\"info\"]", "lookup_result")
        }
    }

    /// A unique, opaque `event.id` (22 base64url characters) from the host and the sequence.
    private static func appendEventID(_ event: SyntheticEvent, into b: inout ByteBuffer) {
        let key = event.host.agentID.hashValueStable
        var words = (SeededRandom.mix(UInt64(event.sequence) ^ key), SeededRandom.mix(UInt64(event.sequence) &+ key))
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        for i in 0..<22 {
            let word = i < 11 ? words.0 : words.1
            b.append(alphabet.utf8Start[Int(word & 63)])
            if i < 11 { words.0 >>= 6 } else { words.1 >>= 6 }
        }
    }

    private static func appendProcess(_ event: SyntheticEvent, into b: inout ByteBuffer) {
        let p = event.process
        b.append(",\"process\":{\"entity_id\":")
        b.appendJSONString(p.ecsEntityID)
        b.append(",\"pid\":")
        b.appendDecimal(p.pid)
        b.append(",\"executable\":")
        b.appendJSONString(p.image)
        b.append(",\"name\":")
        b.appendJSONString(p.name)
        if event.kind == .processCreate || event.kind == .processTerminate {
            b.append(",\"command_line\":")
            b.appendJSONString(p.commandLine)
            b.append(",\"args\":[")
            let args = p.args
            for (i, arg) in args.enumerated() {
                if i > 0 { b.append(",") }
                b.appendJSONString(arg)
            }
            b.append("],\"args_count\":")
            b.appendDecimal(args.count)
            b.append(",\"working_directory\":")
            b.appendJSONString(p.currentDirectory)
            b.append(",\"hash\":{\"sha256\":\"")
            b.appendRaw(p.program.sha256)
            b.append("\"},\"Ext\":{\"token\":{\"integrity_level_name\":")
            b.appendJSONString(p.integrityLevel.lowercased())
            b.append("}}")
            if event.kind == .processTerminate { b.append(",\"exit_code\":0") }
            if let parent = p.parent {
                b.append(",\"parent\":{\"entity_id\":")
                b.appendJSONString(parent.ecsEntityID)
                b.append(",\"pid\":")
                b.appendDecimal(parent.pid)
                b.append(",\"executable\":")
                b.appendJSONString(parent.image)
                b.append(",\"name\":")
                b.appendJSONString(parent.name)
                b.append(",\"command_line\":")
                b.appendJSONString(parent.commandLine)
                b.append("}")
            }
        }
        b.append("}")
    }

    private static func appendUser(_ user: UserAccount, into b: inout ByteBuffer) {
        b.append(",\"user\":{\"domain\":")
        b.appendJSONString(user.domain)
        b.append(",\"name\":")
        b.appendJSONString(user.name)
        b.append("}")
    }

    private static func appendNetwork(_ c: SyntheticConnection, event: SyntheticEvent, into b: inout ByteBuffer) {
        b.append(",\"network\":{\"transport\":\"")
        b.appendRaw(c.transport)
        b.append("\",\"direction\":\"")
        // Defend says incoming/outgoing; some versions and integrations ingress/egress.
        if event.sequence % 5 == 0 {
            b.append(c.initiated ? "egress" : "ingress")
        } else {
            b.append(c.initiated ? "outgoing" : "incoming")
        }
        b.append(c.isIPv6 ? "\",\"type\":\"ipv6\"}" : "\",\"type\":\"ipv4\"}")
        appendEndpoint("source", c.sourceIP.ecs, c.sourcePort, c.sourceHostname, into: &b)
        appendEndpoint("destination", c.destinationIP.ecs, c.destinationPort, c.destinationHostname, into: &b)
    }

    /// A socket of the process closing (the stand-in for Sysmon's process access).
    private static func appendDisconnect(_ event: SyntheticEvent, into b: inout ByteBuffer) {
        let (remote, _) = FleetCatalog.internet[Int(event.sequence % Int64(FleetCatalog.internet.count))]
        let local = remote.isIPv6 ? event.host.ipv6 : event.host.ipv4
        b.append(",\"network\":{\"transport\":\"tcp\",\"direction\":\"outgoing\"}")
        appendEndpoint("source", local.ecs, 49152 + Int(event.sequence % 16000), nil, into: &b)
        appendEndpoint("destination", remote.ecs, 443, nil, into: &b)
    }

    private static func appendEndpoint(_ name: StaticString, _ ip: String, _ port: Int, _ domain: String?, into b: inout ByteBuffer) {
        b.append(",\"")
        b.append(name)
        b.append("\":{\"ip\":\"")
        b.appendRaw(ip)
        b.append("\",\"port\":")
        b.appendDecimal(port)
        if let domain {
            b.append(",\"domain\":")
            b.appendJSONString(domain)
        }
        b.append("}")
    }
}
