import Model

/// Planted true positives and their labelled near misses.
extension CorpusEventStream {
    /// Schedules one planted case of `kind` at `t` or, when background activity is in the way of
    /// an exact ground truth, a little later.
    func plant(_ kind: PlantedKind, at t: Int64) {
        var kind = kind
        var candidates = booted
        if kind == .otherBootServices {
            candidates = booted.filter { $0.boots.count >= 2 }
            // The agenda puts every host's second boot first; this only guards the impossible case.
            if candidates.isEmpty { kind = .lateChild; candidates = booted }
        }
        guard !candidates.isEmpty else { return }
        let host = candidates[random.index(candidates.count)]
        guard let boot = host.boot else { return }
        let childHost = kind == .otherHost ? (otherBootedHost(than: host) ?? host) : host
        guard let childBoot = childHost.boot else { return }
        let connectionServices = kind == .otherBootServices ? host.boots[host.boots.count - 2].services : boot.services
        let childServices = childBoot.services
        let connection = plantedConnection(kind, host: host, boot: boot)
        let (program, line) = kind == .allowlistedChild
            ? CommandLines.allowlistedService(random: &random) : CommandLines.malicious(random: &random)
        let delay = ms(kind == .lateChild ? random.int(in: 1001...3000) : random.int(in: 50...950))

        var anchor = t
        var networkTime = anchor
        var childTime = anchor
        for _ in 0..<200 {
            if kind == .childBeforeConnection {
                childTime = anchor
                networkTime = anchor + delay
            } else {
                networkTime = anchor
                childTime = anchor + delay
            }
            let connectionClashes = Self.qualifies(connectionServices, connection)
                && host.guardState.connectionWouldPair(connectionServices, at: networkTime)
            let childClashes = kind != .allowlistedChild && childHost.guardState.childWouldPair(childServices, at: childTime)
            if !connectionClashes, !childClashes { break }
            anchor += ms(2500)
        }
        connect(host, connectionServices, connection, at: networkTime)
        let child = spawn(childHost, program, line, parent: childServices, user: .system, at: childTime)
        record(PlantedCase(kind: kind, host: host, childHost: childHost, networkMicros: networkTime, childMicros: childTime,
                           services: connectionServices, connection: connection, child: child))
    }

    /// The connection of a planted case: qualifying, except in the way its kind says.
    private func plantedConnection(_ kind: PlantedKind, host: SyntheticHost, boot: BootState) -> SyntheticConnection {
        let attacker = otherBootedHost(than: host)
        let attackerIP = attacker?.ipv4 ?? IPText(10, 66, UInt8(random.int(in: 1...254)), UInt8(random.int(in: 1...254)))
        var connection = SyntheticConnection(
            transport: "tcp", initiated: false, sourceIP: attackerIP, sourcePort: ephemeralPort(),
            sourceHostname: random.chance(0.5) ? attacker?.name : nil,
            destinationIP: host.ipv4, destinationPort: boot.rpcPort, destinationHostname: nil, destinationPortName: nil)
        switch kind {
        case .lowPort:
            if random.chance(0.5) {
                connection.sourcePort = random.int(in: 32768...49151)  // a Linux client's ephemeral range
            } else {
                connection.destinationPort = random.int(in: 1025...5000)  // the legacy RPC range
            }
        case .loopbackSource:
            let variant = plantedCases.count % 3
            connection.sourceIP = [IPText(127, 0, 0, 1), IPText(groups: [0, 0, 0, 0, 0, 0, 0, 1]), IPText(mappedV4: 127, 0, 0, 1)][variant]
            connection.destinationIP = connection.sourceIP
            connection.sourceHostname = nil
        case .udp:
            connection.transport = "udp"
        case .outgoing:
            connection.initiated = true
            connection.sourceIP = host.ipv4
            connection.destinationIP = attackerIP
            connection.destinationPort = ephemeralPort()
            connection.sourceHostname = nil
        case .truePositive, .lateChild, .childBeforeConnection, .otherBootServices, .otherHost, .allowlistedChild:
            if random.chance(0.2), let attacker {
                connection.sourceIP = attacker.ipv6
                connection.destinationIP = host.ipv6
            }
        }
        return connection
    }
}
