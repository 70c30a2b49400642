import Model

/// The part a host plays in the fleet; it decides its name, its processes and its traffic.
public enum HostRole: String, Sendable {
    case workstation
    case domainController = "domain-controller"
    /// The administrators' jump host: the usual source of remote service management.
    case management
    case fileServer = "file-server"
    case server

    var isServer: Bool { self != .workstation }
}

/// One endpoint of the fleet, as events name it.
public final class SyntheticHost {
    public let index: Int
    public let role: HostRole
    /// The Sysmon `Computer`, e.g. `WS-0001.corp.example`.
    public let name: String
    /// Elastic Defend's `host.name`, e.g. `ws-0001`.
    public let ecsName: String
    /// Elastic Defend's `host.id`.
    public let ecsHostID: String
    /// Elastic Defend's `agent.id`, the base of its entity ids.
    let agentID: String
    public let ipv4: IPText
    public let ipv6: IPText
    /// The first 32 bits of every Sysmon GUID on this host.
    let guidPrefix: UInt32
    /// The interactive user of a workstation; nil on servers.
    public let primaryUser: UserAccount?
    /// Whether Winlogbeat on this host runs the Sysmon module (fields moved to ECS paths).
    let winlogbeatModule: Bool

    /// The next Sysmon `EventRecordID` on this host.
    var nextRecordID: Int64
    /// The Sysmon process counter (part of every GUID).
    var processCounter: UInt32
    var nextPID: Int64 = 900
    /// The last two boots; the last is the current one.
    var boots: [BootState] = []
    /// Boots so far, and when the current one started.
    var bootsStarted = 0
    var bootStartMicros: Int64 = 0
    /// Times (per services.exe) of connections and children that decide the detection, to keep
    /// the ground truth exact: see `DetectionGuard`.
    var guardState = DetectionGuard()

    init(index: Int, role: HostRole, shortName: String, domain: String, ipv4: IPText, ipv6: IPText,
         guidPrefix: UInt32, ecsHostID: String, agentID: String, primaryUser: UserAccount?,
         firstRecordID: Int64, winlogbeatModule: Bool) {
        self.index = index
        self.role = role
        self.name = shortName + "." + domain
        self.ecsName = shortName.lowercased()
        self.ecsHostID = ecsHostID
        self.agentID = agentID
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.guidPrefix = guidPrefix
        self.primaryUser = primaryUser
        self.nextRecordID = firstRecordID
        self.processCounter = UInt32(truncatingIfNeeded: firstRecordID % 4096) &+ 16
        self.winlogbeatModule = winlogbeatModule
    }

    /// The current boot, if the host has booted.
    var boot: BootState? { boots.last }
}

/// The processes of one boot of a host that later events attach to.
final class BootState {
    let number: Int
    let startMicros: Int64
    let system: SyntheticProcess
    let services: SyntheticProcess
    /// When the last process the boot starts has started: background activity uses the boot's
    /// processes (explorer.exe, the services) only from then on.
    var readyMicros: Int64
    /// The dynamic TCP port services.exe listens on for remote service management (≥ 49152).
    let rpcPort: Int
    var lsass: SyntheticProcess?
    /// svchost.exe instances by their service group key (`DcomLaunch`, `Dnscache`, …).
    var svchosts: [String: SyntheticProcess] = [:]
    var explorer: SyntheticProcess?
    /// Recently started user and service processes, the actors of network and noise events.
    var recent: [SyntheticProcess] = []
    private var recentCursor = 0

    init(number: Int, startMicros: Int64, system: SyntheticProcess, services: SyntheticProcess, rpcPort: Int) {
        self.number = number
        self.startMicros = startMicros
        self.system = system
        self.services = services
        self.rpcPort = rpcPort
        self.readyMicros = startMicros
    }

    /// Remembers `process` as a recent actor (a ring of 24).
    func remember(_ process: SyntheticProcess) {
        if recent.count < 24 {
            recent.append(process)
        } else {
            recent[recentCursor] = process
            recentCursor = (recentCursor + 1) % recent.count
        }
    }

    /// Forgets `process` (it ended).
    func forget(_ process: SyntheticProcess) {
        if let i = recent.firstIndex(where: { $0 === process }), recent.count > 4 {
            recent.remove(at: i)
            recentCursor = recentCursor % recent.count
        }
    }
}
