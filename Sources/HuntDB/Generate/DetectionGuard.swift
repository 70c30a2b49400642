import Model

/// Keeps the planted ground truth exact.
///
/// The detection pairs a *qualifying connection* (incoming TCP to services.exe, both ports ≥ 49152,
/// source not loopback) with a *suspicious child* (a services.exe child outside the allowlist) of
/// the same services.exe that starts within one second after it. Background activity must never
/// form such a pair by chance, and near misses must never become one; the generator asks this
/// guard before it schedules either half.
struct DetectionGuard {
    /// The detection's window: a child at most this long after the connection pairs with it.
    static let windowMicros: Int64 = 1_000_000

    private var connections: [(services: ObjectIdentifier, micros: Int64)] = []
    private var children: [(services: ObjectIdentifier, micros: Int64)] = []

    /// Whether a qualifying connection to `services` at `micros` would pair with a scheduled
    /// suspicious child.
    func connectionWouldPair(_ services: SyntheticProcess, at micros: Int64) -> Bool {
        let id = ObjectIdentifier(services)
        return children.contains { $0.services == id && $0.micros >= micros && $0.micros - micros <= Self.windowMicros }
    }

    /// Whether a suspicious child of `services` at `micros` would pair with a scheduled
    /// qualifying connection.
    func childWouldPair(_ services: SyntheticProcess, at micros: Int64) -> Bool {
        let id = ObjectIdentifier(services)
        return connections.contains { $0.services == id && micros >= $0.micros && micros - $0.micros <= Self.windowMicros }
    }

    mutating func addConnection(_ services: SyntheticProcess, at micros: Int64) {
        connections.append((ObjectIdentifier(services), micros))
    }

    mutating func addChild(_ services: SyntheticProcess, at micros: Int64) {
        children.append((ObjectIdentifier(services), micros))
    }

    /// Drops entries that can no longer pair with anything scheduled at or after `micros`.
    mutating func prune(before micros: Int64) {
        let limit = micros - 4 * Self.windowMicros
        if connections.count > 16 { connections.removeAll { $0.micros < limit } }
        if children.count > 16 { children.removeAll { $0.micros < limit } }
    }
}
