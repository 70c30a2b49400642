/// Entity ids for processes whose events carry no GUID (Windows Security 4688, 4689, 5156):
/// host + pid + the start of the process's life, so a reused pid is another entity.
///
/// The store's linking pass makes them after each load transaction (a 4688's own process and
/// its parent, a 5156's or 4689's process); one function spells them all.
public enum SyntheticEntity {
    /// What starts the life of a process instance.
    public enum Epoch: Sendable, Equatable {
        /// Its 4688, at this time (µs).
        case started(Int64)
        /// Never seen starting; alive since the host's boot (4608) at this time.
        case boot(Int64)
        /// Never seen starting; the pid's previous process exited (4689) at this time.
        case afterExit(Int64)
        /// Never seen starting, and nothing earlier in the logs ends a life of this pid.
        case beforeLogs
    }

    /// `security:<host key>:<pid>:<epoch>`, e.g. `security:ws6.corp:704:boot@1600589000000000`.
    public static func id(hostKey: String, pid: Int64, _ epoch: Epoch) -> String {
        let suffix: String
        switch epoch {
        case .started(let micros): suffix = String(micros)
        case .boot(let micros): suffix = "boot@" + String(micros)
        case .afterExit(let micros): suffix = "exit@" + String(micros)
        case .beforeLogs: suffix = "before-logs"
        }
        return "security:" + hostKey + ":" + String(pid) + ":" + suffix
    }

    /// The entity id a Security event is normalized with (the store links it after loading):
    /// the content key hashes this, never the linked value, so re-loading a record finds it
    /// again whatever the links became.
    public static let unlinked = ""

    /// The entity of pid `pid` at a time, given its latest 4688 at or before then, its latest
    /// 4689 before then and the host's latest boot (4608) at or before then: the started
    /// process while it lives (a start in the boot's own tick is after the boot; an exit in the
    /// start's own tick ends it), else the one whose start the logs lack, named by what began
    /// its epoch.
    public static func resolve(hostKey: String, pid: Int64, lastStart: Int64?, lastExit: Int64?, lastBoot: Int64?) -> String {
        if let start = lastStart, start > (lastExit ?? .min), start >= (lastBoot ?? .min) {
            return id(hostKey: hostKey, pid: pid, .started(start))
        }
        if let boot = lastBoot, boot >= (lastExit ?? .min) {
            return id(hostKey: hostKey, pid: pid, .boot(boot))
        }
        if let exit = lastExit { return id(hostKey: hostKey, pid: pid, .afterExit(exit)) }
        return id(hostKey: hostKey, pid: pid, .beforeLogs)
    }
}
