import Model

/// Picks the normalizer for a Windows event record by its event id: Security's process and
/// connection events (4688, 4689, 5156, 4608) go to `SecurityNormalizer`, everything else to
/// `SysmonNormalizer` (which keeps Sysmon's 1 and 3). Sysmon's ids (1–255) and these never meet.
package enum WindowsEventNormalizer {
    package static func normalize<Record: SysmonRecord & SecurityRecord>(_ record: Record) -> NormalizeResult {
        if isSecurityEventID(record.text(SysmonField.eventID)) { return SecurityNormalizer.normalize(record) }
        return SysmonNormalizer.normalize(record)
    }

    /// Whether the text is one of the Security event ids stored.
    package static func isSecurityEventID(_ text: String?) -> Bool {
        guard let text, text.utf8.count == 4, let id = Int(text) else { return false }
        return SecurityNormalizer.stores(eventID: id)
    }
}
