import Model

/// What a host starts when it boots: services.exe and lsass.exe under wininit.exe, the services
/// under services.exe, and on workstations the user's session under winlogon.exe.
enum BootPlan {
    struct Service {
        /// The key later activity finds it by (svchost service groups), or nil.
        let key: String?
        let program: Program
        let commandLine: String
        let user: UserAccount
    }

    /// The svchost.exe groups every host runs.
    private static let common: [Service] = [
        svchost("DcomLaunch", "-k DcomLaunch -p", .system),
        svchost("RPCSS", "-k RPCSS -p", .networkService),
        svchost("Dnscache", "-k NetworkService -p -s Dnscache", .networkService),
        svchost("LocalServiceNetworkRestricted", "-k LocalServiceNetworkRestricted -p", .localService),
        svchost("Schedule", "-k netsvcs -p -s Schedule", .system),
        svchost("W32Time", "-k LocalService -s W32Time", .localService),
        svchost("wuauserv", "-k netsvcs -p -s wuauserv", .system),
        svchost("LanmanServer", "-k netsvcs -p -s LanmanServer", .system),
        Service(key: nil, program: FleetCatalog.spoolsv, commandLine: "C:\\Windows\\System32\\spoolsv.exe", user: .system),
        Service(key: nil, program: FleetCatalog.msMpEng, commandLine: "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MsMpEng.exe\"", user: .system),
    ]

    private static func svchost(_ key: String, _ group: String, _ user: UserAccount) -> Service {
        Service(key: key, program: FleetCatalog.svchost, commandLine: CommandLines.svchost(group), user: user)
    }

    /// The services started at boot on a host of `role`, in order.
    static func services(for role: HostRole) -> [Service] {
        switch role {
        case .workstation:
            return common + [Service(key: nil, program: FleetCatalog.searchIndexer, commandLine: "C:\\Windows\\system32\\SearchIndexer.exe /Embedding", user: .system)]
        case .domainController:
            return common + [
                svchost("TermService", "-k NetworkService -s TermService", .networkService),
                Service(key: "dns", program: FleetCatalog.dns, commandLine: "C:\\Windows\\system32\\dns.exe", user: .system),
                Service(key: nil, program: FleetCatalog.ismserv, commandLine: "C:\\Windows\\System32\\ismserv.exe", user: .system),
                Service(key: nil, program: FleetCatalog.dfsrs, commandLine: "C:\\Windows\\system32\\DFSRs.exe", user: .system),
            ]
        case .management, .fileServer, .server:
            return common + [svchost("TermService", "-k NetworkService -s TermService", .networkService)]
        }
    }

    /// Events of the interactive session (userinit, explorer, two tray programs) on workstations
    /// and on the administrators' jump host.
    static func sessionEventCount(for role: HostRole) -> Int { role == .workstation || role == .management ? 4 : 0 }

    /// All events a boot writes: services.exe, lsass.exe, the services and the session.
    static func eventCount(for role: HostRole) -> Int {
        2 + services(for: role).count + sessionEventCount(for: role)
    }
}
