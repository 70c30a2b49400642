import Model

extension WindowsEvent: SecurityRecord {
    package func text(_ field: SecurityField) -> String? {
        switch field {
        case .eventID: return eventID
        case .providerName: return providerName
        case .channel: return channel
        case .recordID: return recordID
        case .computer: return computer
        case .timeCreated: return timeCreated
        case .executionProcessID: return executionProcessID
        default:
            guard let names = field.eventDataNames else { return nil }
            for name in names {
                if let value = value(name) { return value }
            }
            return nil
        }
    }

    /// A System field (EVTX) or Security EventData name the event gives twice, if any.
    package func repeatedSecurityField() -> String? {
        if let repeatedSystemField { return repeatedSystemField }
        var seen = Set<SecurityField>()
        for item in data {
            guard let field = Self.securityFields[item.name] else { continue }
            if !seen.insert(field).inserted { return item.name }
        }
        return nil
    }

    private static let securityFields: [String: SecurityField] = {
        var fields: [String: SecurityField] = [:]
        for field in SecurityField.eventDataFields {
            for name in field.eventDataNames! { fields[name] = field }
        }
        return fields
    }()
}
