import Model

extension WindowsEvent: SysmonRecord {
    package func text(_ field: SysmonField) -> String? {
        switch field {
        case .eventID: return eventID
        case .providerName: return providerName
        case .channel: return channel
        case .recordID: return recordID
        case .computer: return computer
        case .timeCreated: return timeCreated
        case .userName, .userDomain: return nil
        default: return field.eventDataName.flatMap(value)
        }
    }

    /// A System field (EVTX) or EventData name (XML, EVTX) the event gives twice; checked only
    /// for the events that are normalized, so the other events of a log cost nothing.
    package func repeatedField() -> String? { repeatedSystemField ?? repeatedMappedDataName() }

    /// A stable rendering of the event, hashed when it has no EventRecordID.
    package func rawBytes() -> [UInt8] {
        var text = [providerName, eventID, timeCreated, recordID, channel, computer].map { $0 ?? "" }.joined(separator: "\u{1}")
        for item in data { text += "\u{1}" + item.name + "\u{2}" + item.value }
        return Array(text.utf8)
    }
}
