import Model

/// `source_kind` as stored in the compact tables; the views spell it out again.
enum SourceKindCode {
    static func code(_ kind: SourceKind) -> Int64 {
        switch kind {
        case .sysmon: 0
        case .security: 1
        case .ecs: 2
        // System-channel events are service installs, which have their own table (m0008) with
        // the kind as text; no process or network row has this kind.
        case .system: 3
        // PowerShell events are command-line evidence, in their own table (m0011).
        case .powershell: 4
        }
    }
}
