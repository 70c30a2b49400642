/// The kind of log an event came from; kept on every stored row.
public enum SourceKind: String, Sendable, CaseIterable {
    /// Microsoft-Windows-Sysmon/Operational (events 1 and 3).
    case sysmon
    /// The Windows Security channel (4688, 4689, 5156).
    case security
    /// Elastic Defend / Elastic Agent documents in ECS.
    case ecs
    /// The Windows System channel (Service Control Manager 7045: a service was installed).
    case system
    /// Microsoft-Windows-PowerShell/Operational (4103: a PowerShell host's command line).
    case powershell
}
