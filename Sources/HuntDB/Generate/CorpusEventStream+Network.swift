import Model

/// Building connections between fleet hosts and the internet.
extension CorpusEventStream {
    /// A connection `host` makes to `ip:port` from an ephemeral port (over IPv6 when `ip` is).
    func outgoing(_ host: SyntheticHost, to ip: IPText, port: Int, transport: String = "tcp", name: String?, portName: String?) -> SyntheticConnection {
        SyntheticConnection(
            transport: transport, initiated: true,
            sourceIP: ip.isIPv6 ? host.ipv6 : host.ipv4, sourcePort: ephemeralPort(),
            sourceHostname: random.chance(0.7) ? host.name : nil,
            destinationIP: ip, destinationPort: port, destinationHostname: name, destinationPortName: portName)
    }

    /// A connection another fleet host makes to `host:port` (over IPv6 one time in ten).
    func incoming(_ host: SyntheticHost, from client: SyntheticHost, port: Int, transport: String = "tcp", portName: String?) -> SyntheticConnection {
        let v6 = random.chance(0.1)
        return SyntheticConnection(
            transport: transport, initiated: false,
            sourceIP: v6 ? client.ipv6 : client.ipv4, sourcePort: ephemeralPort(),
            sourceHostname: random.chance(0.5) ? client.name : nil,
            destinationIP: v6 ? host.ipv6 : host.ipv4, destinationPort: port,
            destinationHostname: random.chance(0.5) ? host.name : nil, destinationPortName: portName)
    }

    /// A booted host other than `host`, if there is one.
    func otherBootedHost(than host: SyntheticHost) -> SyntheticHost? {
        guard booted.count > 1 else { return nil }
        var other = booted[random.index(booted.count)]
        while other === host { other = booted[random.index(booted.count)] }
        return other
    }

    /// The domain controller `host` asks for DNS, time and logons (itself on a DC).
    func domainController(for host: SyntheticHost) -> SyntheticHost {
        if host.role == .domainController { return host }
        return hosts.first { $0.role == .domainController } ?? hosts[0]
    }
}
