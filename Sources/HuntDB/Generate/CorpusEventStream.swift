import Model

/// The events of a corpus, produced one at a time in time order with flat memory.
///
/// A fixed agenda (boots, planted cases) is interleaved with background activity drawn from a
/// seeded generator; episodes schedule their events into a small time-ordered queue, and an event
/// leaves the queue once nothing can be scheduled before it any more.
///
/// ```swift
/// let stream = try CorpusEventStream(options: options)
/// while let event = stream.next() { … }
/// print(stream.plantedCases.count)
/// ```
public final class CorpusEventStream: IteratorProtocol, Sequence {
    public let options: CorpusOptions
    /// The fleet, in host-index order.
    public let hosts: [SyntheticHost]
    /// Planted cases scheduled so far (all of them once the stream is exhausted).
    public private(set) var plantedCases: [PlantedCase] = []
    /// Events handed out so far, per kind.
    public private(set) var counts: [SyntheticEventKind: Int] = [:]
    /// Events handed out so far.
    public private(set) var emitted: Int64 = 0

    var random: SeededRandom
    private var queue = EventQueue()
    private let agenda: [FleetPlan.AgendaItem]
    private var agendaCursor = 0
    /// Nothing will be scheduled before this time any more (whole milliseconds).
    private(set) var now: Int64
    private var relevantLeft: Int
    private var noiseLeft: Int
    /// Events the running background episode may still schedule.
    private var episodeRoom = Int.max
    private(set) var scheduledInEpisode = 0
    /// Hosts that have booted at least once.
    var booted: [SyntheticHost] = []
    /// Hosts that remote administration comes from.
    private(set) var adminHosts: [SyntheticHost] = []
    private var allowlistCache: [String: Bool] = [:]
    /// Per-user programs of each workstation (Teams, OneDrive, VS Code).
    var userPrograms: [Int: (teams: Program, oneDrive: Program, code: Program)] = [:]

    /// - Throws: `CorpusError` when the options are invalid.
    public init(options: CorpusOptions) throws(CorpusError) {
        try options.validate()
        self.options = options
        let plan = FleetPlan(options: options)
        var setup = SeededRandom(seed: options.seed ^ 0x5EED_F1EE_7000_0001)
        var hosts: [SyntheticHost] = []
        let prefixBase = UInt32(truncatingIfNeeded: SeededRandom.mix(options.seed) >> 32)
        var userNumber = 0
        for (i, spec) in plan.hosts.enumerated() {
            var user: UserAccount?
            if spec.role == .workstation || spec.role == .management {
                let given = FleetCatalog.givenNames[userNumber % FleetCatalog.givenNames.count]
                let round = userNumber / FleetCatalog.givenNames.count
                let name = (spec.role == .management ? "adm-" : "") + (round == 0 ? given : "\(given)\(round + 1)")
                user = UserAccount(domain: FleetCatalog.netbiosDomain, name: name,
                                   logonID: "0x" + String(setup.int(in: 0x10000...0xFFFFFF), radix: 16))
                userNumber += 1
            }
            // Servers in 10.10.0.0/16, workstations in 10.20.0.0/16; the same layout in fd12:3456:789a::/48.
            let site: UInt8 = spec.role == .workstation ? 20 : 10
            let subnet = UInt8((i / 250) % 256)
            let octet = UInt8(10 + i % 250)
            hosts.append(SyntheticHost(
                index: i, role: spec.role, shortName: spec.shortName, domain: FleetCatalog.domain,
                ipv4: IPText(10, site, subnet, octet),
                ipv6: IPText(groups: [0xfd12, 0x3456, 0x789a, UInt16(site) << 8 | UInt16(subnet), 0, 0, 0, UInt16(octet)]),
                guidPrefix: prefixBase &+ UInt32(truncatingIfNeeded: i) &* 0x9E37_79B1,
                ecsHostID: Self.uuid(&setup), agentID: Self.uuid(&setup), primaryUser: user,
                firstRecordID: Int64(setup.int(in: 1000...5_000_000)), winlogbeatModule: i % 3 == 2))
            if let user { userPrograms[i] = FleetCatalog.userPrograms(user.name) }
        }
        self.hosts = hosts
        adminHosts = hosts.filter { $0.role == .management }
        if let firstWorkstation = hosts.first(where: { $0.role == .workstation }) { adminHosts.append(firstWorkstation) }
        if adminHosts.isEmpty { adminHosts = [hosts[0]] }
        agenda = plan.agenda(random: &setup)
        random = SeededRandom(seed: options.seed)
        now = options.startMicros / 1000 * 1000
        let background = options.events - plan.reservedEvents
        noiseLeft = Swift.min(background, Int((Double(options.events) * options.irrelevantRatio).rounded()))
        relevantLeft = background - noiseLeft
    }

    /// The next event in time order, or nil when the corpus is complete.
    public func next() -> SyntheticEvent? {
        while true {
            if let earliest = queue.earliest, earliest <= now || isScheduleDone {
                var event = queue.pop()!
                event.sequence = emitted
                event.recordID = event.host.nextRecordID
                event.host.nextRecordID += 1
                emitted += 1
                counts[event.kind, default: 0] += 1
                return event
            }
            if isScheduleDone { return nil }
            scheduleStep()
        }
    }

    private var isScheduleDone: Bool {
        agendaCursor >= agenda.count && relevantLeft + noiseLeft == 0
    }

    /// Runs the next agenda item or one background episode.
    private func scheduleStep() {
        let background = relevantLeft + noiseLeft
        if agendaCursor < agenda.count, agenda[agendaCursor].micros <= now || background == 0 || booted.isEmpty {
            let item = agenda[agendaCursor]
            agendaCursor += 1
            now = Swift.max(now, item.micros)
            switch item.action {
            case .boot(let index): boot(hosts[index], at: now)
            case .plant(let kind): plant(kind, at: now)
            }
            return
        }
        guard background > 0 else { return }
        let host = booted[random.index(booted.count)]
        host.guardState.prune(before: now)
        let events: Int
        if random.index(background) < noiseLeft {
            noise(on: host, at: now)
            noiseLeft -= 1
            events = 1
        } else {
            episodeRoom = relevantLeft
            scheduledInEpisode = 0
            activity(on: host, at: now)
            episodeRoom = Int.max
            relevantLeft -= scheduledInEpisode
            events = scheduledInEpisode
        }
        let remaining = Swift.max(1, relevantLeft + noiseLeft)
        let mean = Double(Swift.max(0, options.endMicros - now)) / Double(remaining) * Double(events)
        now += Int64(random.exponential(mean: mean)) / 1000 * 1000
    }

    // MARK: Scheduling helpers

    /// Whether the running background episode may schedule another event.
    var hasRoom: Bool { scheduledInEpisode < episodeRoom }

    /// Schedules `event`; its log time is a little after its event time.
    func schedule(_ event: SyntheticEvent) {
        var event = event
        event.loggedMicros = event.timeMicros + Int64(random.int(in: 80...4000))
        queue.push(event)
        scheduledInEpisode += 1
    }

    /// Creates a process on `host` and, unless `logged` is false, schedules its creation event.
    @discardableResult
    func spawn(_ host: SyntheticHost, _ program: Program, _ commandLine: String, parent: SyntheticProcess?,
               user: UserAccount, integrity: String = "", directory: String? = nil, at micros: Int64,
               pid: Int64? = nil, logged: Bool = true) -> SyntheticProcess {
        host.processCounter &+= 1
        let bootTag = UInt8(truncatingIfNeeded: 4 * (host.bootsStarted % 60 + 1))
        let isService = user.domain == "NT AUTHORITY"
        let process = SyntheticProcess(
            guid: SysmonGUID(prefix: host.guidPrefix, seconds: micros / 1_000_000, counter: host.processCounter, bootTag: bootTag),
            pid: pid ?? nextPID(host), program: program, commandLine: commandLine,
            currentDirectory: directory ?? (isService ? "C:\\Windows\\system32\\" : "C:\\Users\\\(user.name)\\"),
            user: user, integrityLevel: integrity.isEmpty ? (isService ? "System" : "Medium") : integrity,
            parent: parent, startMicros: micros, session: isService ? 0 : 1, agentID: host.agentID,
            logonGUID: SysmonGUID(prefix: host.guidPrefix, seconds: host.bootStartMicros / 1_000_000,
                                  counter: UInt32(user.logonID.dropFirst(2), radix: 16).map { $0 & 0xFFFF } ?? 0, bootTag: 0))
        if let parent, parent.program === FleetCatalog.services, !isAllowlisted(process) {
            host.guardState.addChild(parent, at: micros)
        }
        if logged { schedule(SyntheticEvent(kind: .processCreate, host: host, timeMicros: micros, process: process)) }
        return process
    }

    /// Whether the detection's allowlist accepts `process` as a services.exe child (memoized: the
    /// same few service command lines come back all the time).
    private func isAllowlisted(_ process: SyntheticProcess) -> Bool {
        let key = process.image + "\u{0}" + process.commandLine
        if let known = allowlistCache[key] { return known }
        let result = ServiceAllowlist.contains(process)
        if allowlistCache.count < 4096 { allowlistCache[key] = result }
        return result
    }

    /// Schedules a Sysmon event 3 for `process` on `host`.
    func connect(_ host: SyntheticHost, _ process: SyntheticProcess, _ connection: SyntheticConnection, at micros: Int64) {
        if Self.qualifies(process, connection) { host.guardState.addConnection(process, at: micros) }
        var event = SyntheticEvent(kind: .networkConnection, host: host, timeMicros: micros, process: process)
        event.connection = connection
        schedule(event)
    }

    /// Whether a connection is one the detection starts from (see `DetectionGuard`).
    static func qualifies(_ process: SyntheticProcess, _ connection: SyntheticConnection) -> Bool {
        process.program === FleetCatalog.services && connection.transport == "tcp" && !connection.initiated
            && connection.sourcePort >= 49152 && connection.destinationPort >= 49152
            && !["127.0.0.1", "::1", "::ffff:127.0.0.1"].contains(connection.sourceIP.ecs)
    }

    /// A Windows-like process id (a multiple of 4).
    func nextPID(_ host: SyntheticHost) -> Int64 {
        host.nextPID += Int64(4 * random.int(in: 1...40))
        if host.nextPID > 30_000 { host.nextPID = 1000 + Int64(4 * random.int(in: 0...100)) }
        return host.nextPID
    }

    /// An ephemeral port (Windows' dynamic range).
    func ephemeralPort() -> Int { random.int(in: 49152...65535) }

    /// Milliseconds as microseconds.
    @inline(__always)
    func ms(_ value: Int) -> Int64 { Int64(value) * 1000 }

    /// Remembers a planted case for the ground truth.
    func record(_ planted: PlantedCase) { plantedCases.append(planted) }

    private static func uuid(_ random: inout SeededRandom) -> String {
        var b = ByteBuffer(capacity: 40)
        let high = random.next()
        let low = random.next()
        b.appendHex(high >> 32, digits: 8); b.append(UInt8(ascii: "-"))
        b.appendHex((high >> 16) & 0xFFFF, digits: 4); b.append(UInt8(ascii: "-"))
        b.appendHex(0x4000 | (high & 0x0FFF), digits: 4); b.append(UInt8(ascii: "-"))
        b.appendHex(0x8000 | (low >> 48) & 0x3FFF, digits: 4); b.append(UInt8(ascii: "-"))
        b.appendHex(low & 0xFFFF_FFFF_FFFF, digits: 12)
        return b.string
    }
}

extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return h
    }
}
