import Model

/// Builds a `WindowsEvent` directly from the rendered element stream, without an XML tree.
/// It tracks the element path only as deep as the fields it extracts:
/// Event/System/{Provider@Name, EventID, TimeCreated@SystemTime, EventRecordID, Channel, Computer}
/// and Event/EventData/Data (@Name and text).
struct EVTXEventBuilder {
    enum AttributeTarget { case none, providerName, timeCreated, executionProcessID, dataName }
    enum TextTarget { case none, eventID, recordID, channel, computer, data }

    private(set) var event = WindowsEvent()
    /// Whether any element was seen at all.
    private(set) var sawElement = false
    private var depth = 0
    private var level1 = EVTXName.other, level2 = EVTXName.other, level3 = EVTXName.other
    private var inStartTag = false
    private var attributeTarget = AttributeTarget.none
    private var attributeText = ""
    private var attributeOmitted = false
    private var textTarget = TextTarget.none
    private var text = ""
    private var hasText = false
    private var dataName = ""

    init(expectedDataCount: Int = 0) {
        event.data.reserveCapacity(expectedDataCount)
    }

    /// Whether text arriving now would be kept; lets the caller skip rendering values nobody reads.
    var wantsText: Bool {
        inStartTag ? attributeTarget != .none : (textTarget != .none && depth == 3)
    }

    mutating func open(_ kind: EVTXName) {
        finishAttribute()
        sawElement = true
        depth += 1
        switch depth {
        case 1: level1 = kind
        case 2: level2 = kind
        case 3: level3 = kind
        default: break
        }
        inStartTag = true
        guard depth == 3, level1 == .event, textTarget == .none else { return }
        if level2 == .system {
            switch kind {
            case .eventID: textTarget = .eventID
            case .eventRecordID: textTarget = .recordID
            case .channel: textTarget = .channel
            case .computer: textTarget = .computer
            default: return
            }
        } else if level2 == .eventData && kind == .data {
            textTarget = .data
            dataName = ""
        } else {
            return
        }
        text = ""
        hasText = false
    }

    mutating func attribute(_ kind: EVTXName) {
        finishAttribute()
        guard inStartTag, depth == 3, level1 == .event else { return }
        if level2 == .system && level3 == .provider && kind == .name {
            attributeTarget = .providerName
        } else if level2 == .system && level3 == .timeCreated && kind == .systemTime {
            attributeTarget = .timeCreated
        } else if level2 == .system && level3 == .execution && kind == .processID {
            attributeTarget = .executionProcessID
        } else if textTarget == .data && kind == .name {
            attributeTarget = .dataName
        } else {
            return
        }
        attributeText = ""
        attributeOmitted = false
    }

    /// Adds text to the current attribute value or element content.
    mutating func append(_ piece: String) {
        if inStartTag {
            guard attributeTarget != .none else { return }
            if attributeText.isEmpty { attributeText = piece } else { attributeText += piece }
        } else if textTarget != .none && depth == 3 {
            if text.isEmpty { text = piece } else { text += piece }
            hasText = true
        }
    }

    /// Marks that a non-null value arrived (possibly rendering as empty text).
    mutating func markValue() {
        if !inStartTag && textTarget != .none && depth == 3 { hasText = true }
    }

    /// An optional substitution whose value is null: the attribute being built is left out.
    mutating func omit() {
        if inStartTag { attributeOmitted = true }
    }

    /// An array value: in a Data element every item after the first repeats the element.
    mutating func appendArray(_ items: [String]) {
        if !inStartTag && textTarget == .data && depth == 3 {
            for (i, item) in items.enumerated() {
                if i > 0 {
                    commitText()
                    text = ""
                }
                append(item)
            }
            hasText = true
        } else {
            append(items.joined(separator: ","))
            markValue()
        }
    }

    mutating func closeStart() {
        finishAttribute()
        inStartTag = false
    }

    mutating func closeEmpty() {
        closeStart()
        endElement()
    }

    mutating func end() {
        if inStartTag { closeStart() }
        endElement()
    }

    private mutating func endElement() {
        if textTarget != .none && depth == 3 {
            commitText()
            textTarget = .none
        }
        if depth > 0 { depth -= 1 }
    }

    private mutating func commitText() {
        switch textTarget {
        case .none: break
        case .eventID: if hasText { noteRepeat(event.eventID, "EventID"); event.eventID = text }
        case .recordID: if hasText { noteRepeat(event.recordID, "EventRecordID"); event.recordID = text }
        case .channel: if hasText { noteRepeat(event.channel, "Channel"); event.channel = text }
        case .computer: if hasText { noteRepeat(event.computer, "Computer"); event.computer = text }
        case .data: event.data.append(WindowsEvent.DataItem(name: dataName, value: text))
        }
    }

    private mutating func finishAttribute() {
        guard attributeTarget != .none else { return }
        if !attributeOmitted {
            switch attributeTarget {
            case .none: break
            case .providerName: noteRepeat(event.providerName, "Provider"); event.providerName = attributeText
            case .timeCreated: noteRepeat(event.timeCreated, "TimeCreated"); event.timeCreated = attributeText
            case .executionProcessID: event.executionProcessID = attributeText
            case .dataName: dataName = attributeText
            }
        }
        attributeTarget = .none
    }

    /// Notes a System field about to be set a second time (the first one named wins).
    private mutating func noteRepeat(_ current: String?, _ name: String) {
        if current != nil, event.repeatedSystemField == nil { event.repeatedSystemField = name }
    }
}
