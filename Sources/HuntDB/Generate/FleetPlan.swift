import Model

/// The fixed skeleton of a corpus, decided before any event: the hosts, their boots and the
/// planted cases, with how many events they take (the rest is background activity).
struct FleetPlan {
    struct HostSpec {
        let role: HostRole
        let shortName: String
    }

    /// Something that happens at a planned time.
    enum Action {
        case boot(host: Int)
        case plant(PlantedKind)
    }

    struct AgendaItem {
        let micros: Int64
        let action: Action
    }

    let options: CorpusOptions
    let hosts: [HostSpec]
    /// The planted kinds this fleet can hold (`other_host` needs two hosts).
    let plantedKinds: [PlantedKind]

    init(options: CorpusOptions) {
        self.options = options
        let count = max(1, options.hosts)
        let servers = count == 1 ? 0 : max(1, count / 8)
        var specs: [HostSpec] = []
        for i in 0..<servers {
            if i < FleetCatalog.serverNames.count {
                let (name, role) = FleetCatalog.serverNames[i]
                specs.append(HostSpec(role: role, shortName: name))
            } else {
                specs.append(HostSpec(role: .server, shortName: "SRV-APP" + Self.padded(i - FleetCatalog.serverNames.count + 2, 2)))
            }
        }
        for i in 0..<(count - servers) {
            specs.append(HostSpec(role: .workstation, shortName: "WS-" + Self.padded(i + 1, 4)))
        }
        hosts = specs
        plantedKinds = PlantedKind.allCases.filter { $0 != .otherHost || count >= 2 }
    }

    /// How often a host boots: once at the start, once for the patch reboot, and workstations once
    /// more per extra day, servers once more per week.
    func bootCount(_ role: HostRole) -> Int {
        2 + (role == .workstation ? max(0, options.days - 2) : (options.days - 1) / 7)
    }

    /// Events taken by boots and planted cases; the background gets the rest.
    var reservedEvents: Int {
        let boots = hosts.reduce(0) { $0 + bootCount($1.role) * BootPlan.eventCount(for: $1.role) }
        return boots + options.plantedCount * plantedKinds.count * 2
    }

    /// Every planned boot and planted case, in time order.
    func agenda(random: inout SeededRandom) -> [AgendaItem] {
        let start = options.startMicros
        let span = options.endMicros - start
        func at(_ fraction: Double) -> Int64 { start + Int64(Double(span) * fraction) / 1000 * 1000 }
        var items: [AgendaItem] = []
        let stagger = min(Int64(300_000_000), span / 200)
        for (i, spec) in hosts.enumerated() {
            items.append(AgendaItem(micros: start + Int64(random.int(in: 0...Int(stagger / 1000))) * 1000, action: .boot(host: i)))
            items.append(AgendaItem(micros: at(0.35 + 0.15 * random.unit()), action: .boot(host: i)))
            for extra in 0..<(bootCount(spec.role) - 2) {
                let day: Int64 = spec.role == .workstation ? Int64(extra + 2) : Int64(extra + 1) * 7
                let morning = Int64(random.int(in: 6 * 3600...9 * 3600)) * 1_000_000
                items.append(AgendaItem(micros: min(start + day * 86_400_000_000 + morning, options.endMicros - 60_000_000), action: .boot(host: i)))
            }
        }
        let planted = options.plantedCount
        for k in 0..<planted {
            for kind in plantedKinds {
                // `other_boot_services` needs every host's second boot behind it.
                let (low, width) = kind == .otherBootServices ? (0.55, 0.4) : (0.05, 0.9)
                items.append(AgendaItem(micros: at(low + width * (Double(k) + 0.1 + 0.8 * random.unit()) / Double(planted)), action: .plant(kind)))
            }
        }
        return items.enumerated().sorted { ($0.element.micros, $0.offset) < ($1.element.micros, $1.offset) }.map(\.element)
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
