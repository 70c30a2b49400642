import Model

/// Background activity: the process starts and connections that make up most of a corpus.
extension CorpusEventStream {
    /// Schedules one background episode on `host` starting at `t` (at least one event).
    func activity(on host: SyntheticHost, at time: Int64) {
        guard let boot = host.boot else { return }
        let t = Swift.max(time, boot.readyMicros)
        let roll = random.index(100)
        switch host.role {
        case .workstation:
            switch roll {
            case 0..<24: browse(host, boot, t)
            case 24..<33: office(host, boot, t)
            case 33..<41: shell(host, boot, t)
            case 41..<49: userApp(host, boot, t)
            case 49..<63: serviceChild(host, boot, t)
            case 63..<81: serviceTraffic(host, boot, t)
            case 81..<87: incoming(host, boot, t)
            case 87..<95: remoteAdministration(host, boot, t)
            default: serviceStart(host, boot, t)
            }
        case .domainController:
            switch roll {
            case 0..<35: directoryTraffic(host, boot, t)
            case 35..<50: serviceTraffic(host, boot, t)
            case 50..<65: serviceChild(host, boot, t)
            case 65..<77: incoming(host, boot, t)
            case 77..<90: remoteAdministration(host, boot, t)
            default: serviceStart(host, boot, t)
            }
        case .management:
            switch roll {
            case 0..<30: adminSession(host, boot, t)
            case 30..<45: serviceTraffic(host, boot, t)
            case 45..<60: serviceChild(host, boot, t)
            case 60..<70: shell(host, boot, t)
            case 70..<80: incoming(host, boot, t)
            case 80..<90: remoteAdministration(host, boot, t)
            default: serviceStart(host, boot, t)
            }
        case .fileServer, .server:
            switch roll {
            case 0..<35: incoming(host, boot, t)
            case 35..<55: serviceTraffic(host, boot, t)
            case 55..<75: serviceChild(host, boot, t)
            case 75..<90: remoteAdministration(host, boot, t)
            default: serviceStart(host, boot, t)
            }
        }
        if scheduledInEpisode == 0 { serviceTraffic(host, boot, t) }
    }

    // MARK: Users

    private func browse(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        guard let user = host.primaryUser else { return serviceTraffic(host, boot, t) }
        var time = t
        var browser = random.chance(0.6)
            ? boot.recent.first { $0.program === FleetCatalog.chrome || $0.program === FleetCatalog.msedge } : nil
        if browser == nil {
            let program = random.chance(0.65) ? FleetCatalog.chrome : FleetCatalog.msedge
            let main = spawn(host, program, CommandLines.browser(program, child: false, random: &random),
                             parent: boot.explorer, user: user, at: time)
            boot.remember(main)
            browser = main
            if hasRoom, random.chance(0.5) {
                time += ms(random.int(in: 30...300))
                boot.remember(spawn(host, program, CommandLines.browser(program, child: true, random: &random),
                                    parent: main, user: user, integrity: "Low", at: time))
            }
        }
        guard let browser else { return }
        for _ in 0..<random.int(in: 1...4) where hasRoom {
            time += ms(random.int(in: 5...1500))
            let (ip, name) = random.pick(FleetCatalog.internet)
            let quic = !ip.isIPv6 && random.chance(0.15)
            connect(host, browser, outgoing(host, to: ip, port: 443, transport: quic ? "udp" : "tcp", name: name, portName: "https"), at: time)
        }
    }

    private func office(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        guard let user = host.primaryUser else { return serviceTraffic(host, boot, t) }
        let program = random.pick([FleetCatalog.winword, FleetCatalog.excel, FleetCatalog.outlook])
        let process = spawn(host, program, CommandLines.office(program, user: user.name, random: &random),
                            parent: boot.explorer, user: user, at: t)
        boot.remember(process)
        if hasRoom, random.chance(0.7) {
            connect(host, process, outgoing(host, to: IPText(52, 96, 165, 18), port: 443, name: "outlook.office365.com", portName: "https"),
                    at: t + ms(random.int(in: 200...3000)))
        }
    }

    private func shell(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        guard let user = host.primaryUser else { return serviceTraffic(host, boot, t) }
        let program = random.chance(0.5) ? FleetCatalog.cmd : FleetCatalog.powershell
        let shell = spawn(host, program, CommandLines.shell(program, user: user.name, random: &random), parent: boot.explorer,
                          user: user, integrity: host.role == .management ? "High" : "Medium", at: t)
        boot.remember(shell)
        var time = t
        if hasRoom {
            time += ms(random.int(in: 2...20))
            spawn(host, FleetCatalog.conhost, "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", parent: shell, user: user, at: time)
        }
        if hasRoom, random.chance(0.6) {
            time += ms(random.int(in: 500...20_000))
            let (utility, line) = CommandLines.utility(random: &random)
            spawn(host, utility, line, parent: shell, user: user, at: time)
        }
        if hasRoom, program === FleetCatalog.powershell, random.chance(0.4) {
            let (ip, name) = random.pick(FleetCatalog.internet)
            connect(host, shell, outgoing(host, to: ip, port: 443, name: name, portName: "https"), at: time + ms(random.int(in: 100...900)))
        }
    }

    private func userApp(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        guard let user = host.primaryUser, let programs = userPrograms[host.index] else { return serviceTraffic(host, boot, t) }
        switch random.index(3) {
        case 0:
            let teams = spawn(host, programs.teams, "\"\(programs.teams.image)\" --system-initiated", parent: boot.explorer, user: user, at: t)
            boot.remember(teams)
            if hasRoom {
                let v6 = random.chance(0.3)
                let ip = v6 ? IPText(groups: [0x2620, 0x1ec, 0xc11, 0, 0, 0, 0, 0x200]) : IPText(13, 107, 6, 152)
                connect(host, teams, outgoing(host, to: ip, port: 443, name: nil, portName: "https"), at: t + ms(random.int(in: 300...4000)))
            }
        case 1:
            boot.remember(spawn(host, programs.code, CommandLines.editor(programs.code, user: user.name, random: &random),
                                parent: boot.explorer, user: user, at: t))
        default:
            boot.remember(spawn(host, FleetCatalog.notepad, CommandLines.editor(FleetCatalog.notepad, user: user.name, random: &random),
                                parent: boot.explorer, user: user, at: t))
        }
    }

    private func adminSession(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        guard let user = host.primaryUser, let target = otherBootedHost(than: host) else { return serviceTraffic(host, boot, t) }
        let rdp = random.chance(0.5)
        let program = rdp ? FleetCatalog.mstsc : FleetCatalog.sc
        let line = rdp ? "\"C:\\Windows\\system32\\mstsc.exe\" /v:\(target.name)" : "sc.exe \\\\\(target.name) query state= all"
        let tool = spawn(host, program, line, parent: boot.explorer, user: user, integrity: "High", at: t)
        if hasRoom {
            let port = rdp ? 3389 : 135
            connect(host, tool, outgoing(host, to: target.ipv4, port: port, name: target.name, portName: rdp ? "ms-wbt-server" : "epmap"),
                    at: t + ms(random.int(in: 50...600)))
        }
    }

    // MARK: Services

    private func serviceChild(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        let user = host.primaryUser
        switch random.index(6) {
        case 0:
            guard let parent = boot.svchosts["DcomLaunch"] else { return }
            boot.remember(spawn(host, FleetCatalog.wmiPrvSE, "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
                                parent: parent, user: .networkService, at: t))
        case 1 where user != nil:
            guard let parent = boot.svchosts["DcomLaunch"] else { return }
            boot.remember(spawn(host, FleetCatalog.runtimeBroker, "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding",
                                parent: parent, user: user!, at: t))
        case 2:
            guard let parent = boot.svchosts["DcomLaunch"] else { return }
            boot.remember(spawn(host, FleetCatalog.dllhost, "C:\\Windows\\system32\\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}",
                                parent: parent, user: user ?? .system, at: t))
        case 3:
            guard let parent = boot.svchosts["Schedule"] else { return }
            boot.remember(spawn(host, FleetCatalog.taskhostw, "taskhostw.exe Install $(Arg0)", parent: parent, user: user ?? .system, at: t))
        case 4:
            guard let parent = boot.svchosts["Schedule"] else { return }
            let updater = spawn(host, FleetCatalog.officeC2R, "\"C:\\Program Files\\Common Files\\Microsoft Shared\\ClickToRun\\OfficeC2RClient.exe\" /frequentupdate SCHEDULEDTASK displaylevel=False",
                                parent: parent, user: .system, at: t)
            if hasRoom {
                connect(host, updater, outgoing(host, to: IPText(23, 55, 220, 96), port: 443, name: "officecdn.microsoft.com", portName: "https"),
                        at: t + ms(random.int(in: 400...5000)))
            }
        default:
            guard let parent = boot.svchosts["Schedule"] else { return }
            spawn(host, FleetCatalog.mpCmdRun, "\"C:\\Program Files\\Windows Defender\\MpCmdRun.exe\" -IdleTask -TaskName WdCacheMaintenance",
                  parent: parent, user: .system, at: t)
        }
    }

    private func serviceTraffic(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        let dc = domainController(for: host)
        switch random.index(3) {
        case 0:
            let dns = boot.svchosts["Dnscache"] ?? boot.services
            connect(host, dns, outgoing(host, to: dc.ipv4, port: 53, transport: "udp", name: dc.name, portName: "domain"), at: t)
        case 1:
            let time = boot.svchosts["W32Time"] ?? boot.services
            connect(host, time, outgoing(host, to: dc.ipv4, port: 123, transport: "udp", name: dc.name, portName: "ntp"), at: t)
        default:
            let update = boot.svchosts["wuauserv"] ?? boot.services
            connect(host, update, outgoing(host, to: random.pick(FleetCatalog.microsoftCloud), port: 443, name: nil, portName: "https"), at: t)
        }
    }

    private func directoryTraffic(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        let client = otherBootedHost(than: host) ?? host
        if random.chance(0.25), let dns = boot.svchosts["dns"] {
            connect(host, dns, incoming(host, from: client, port: 53, transport: "udp", portName: "domain"), at: t)
            return
        }
        let (port, name) = random.pick([(88, "kerberos"), (389, "ldap"), (636, "ldaps"), (3268, "msft-gc")])
        connect(host, boot.lsass ?? boot.services, incoming(host, from: client, port: port, portName: name), at: t)
    }

    private func incoming(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        let client = otherBootedHost(than: host) ?? host
        if host.role.isServer, random.chance(0.3), let terminal = boot.svchosts["TermService"] {
            connect(host, terminal, incoming(host, from: client, port: 3389, portName: "ms-wbt-server"), at: t)
        } else if random.chance(0.15), let rpc = boot.svchosts["RPCSS"] {
            connect(host, rpc, incoming(host, from: client, port: 135, portName: "epmap"), at: t)
        } else {
            connect(host, boot.system, incoming(host, from: client, port: 445, portName: "microsoft-ds"), at: t)
        }
    }

    /// An administrator manages a service remotely: RPC to services.exe on its dynamic port from
    /// an admin host, and often an allowlisted child within a second (what the rule must not
    /// report).
    private func remoteAdministration(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        let admins = adminHosts.filter { $0 !== host && $0.boot != nil }
        guard !admins.isEmpty else { return serviceStart(host, boot, t) }
        let admin = admins[random.index(admins.count)]
        let sourcePort = ephemeralPort()
        var time = t
        if hasRoom, let adminBoot = admin.boot, let user = admin.primaryUser {
            time = Swift.max(time, adminBoot.readyMicros)
            let tool = spawn(admin, FleetCatalog.sc, "sc.exe \\\\\(host.name) start \(random.pick(["MSSQLSERVER", "HealthService", "gupdate", "TrustedInstaller", "msiserver"]))",
                             parent: adminBoot.explorer, user: user, integrity: "High", at: time)
            time += ms(random.int(in: 20...80))
            if hasRoom {
                var out = outgoing(admin, to: host.ipv4, port: boot.rpcPort, name: host.name, portName: nil)
                out.sourcePort = sourcePort
                connect(admin, tool, out, at: time)
            }
            time += ms(1)
        }
        guard hasRoom, !host.guardState.connectionWouldPair(boot.services, at: time) else { return }
        var connection = incoming(host, from: admin, port: boot.rpcPort, portName: nil)
        connection.sourcePort = sourcePort
        connect(host, boot.services, connection, at: time)
        if hasRoom, random.chance(0.6) {
            let (program, line) = CommandLines.allowlistedService(random: &random)
            spawn(host, program, line, parent: boot.services, user: .system, at: time + ms(random.int(in: 50...950)))
        }
    }

    /// services.exe starts a service on its own: usually allowlisted, sometimes not (never within
    /// a second of an RPC connection).
    private func serviceStart(_ host: SyntheticHost, _ boot: BootState, _ t: Int64) {
        var (program, line) = CommandLines.allowlistedService(random: &random)
        if random.chance(0.3), !host.guardState.childWouldPair(boot.services, at: t) {
            (program, line) = CommandLines.benignUnlistedService(random: &random)
        }
        boot.remember(spawn(host, program, line, parent: boot.services, user: .system, at: t))
    }
}
