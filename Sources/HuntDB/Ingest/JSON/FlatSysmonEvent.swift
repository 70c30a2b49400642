import Model
import Normalize

/// Builds the `NormalizedEvent` of a well-formed flat Sysmon 1 (process start) or 3 (network
/// connection) straight from the record's byte spans: times, numbers, GUIDs and addresses are
/// read from bytes, and a `String` is made only for a value the event keeps.
///
/// It is `SysmonNormalizer.normalize` for the common case and nothing else: whenever a value is
/// not the plain, complete kind this code expects (an event id spelled otherwise, a missing or
/// malformed field, a value too long, a record without a record number, another channel, a
/// missing required field), `make` returns nil and the record is normalized by
/// `SysmonNormalizer`, so every reject, warning and unusual event keeps its exact wording.
/// `FlatScannerDifferentialTests` holds both to the same events.
enum FlatSysmonEvent {
    /// Values of one reader's records that repeat (see `RepeatedBytesCache`).
    struct Repeats {
        var hosts = RepeatedBytesCache<HostIdentity?>(slots: 64)
        var users = RepeatedBytesCache<(domain: String?, name: String)?>(slots: 256)
        var commandLines = RepeatedBytesCache<KeptCommandLine?>(slots: 4096)
        var executables = RepeatedBytesCache<ExecutablePath?>(slots: 1024)
        /// `keptText` of the fields that repeat (images, version resources, port names, ...).
        var texts = RepeatedBytesCache<String?>(slots: 1024)
        var addresses = RepeatedBytesCache<String?>(slots: 256)
        /// Whether a provider or channel names Sysmon (nil: not given).
        var sysmonNames = RepeatedBytesCache<Bool?>(slots: 16)
        var sysmonChannels = RepeatedBytesCache<Bool>(slots: 16)
    }

    /// A command line as the event keeps it, with its arguments; nil when too long for this path.
    struct KeptCommandLine {
        var text: String?
        var arguments: RenderedArguments?
    }

    static func make(_ record: FlatRecord, repeats: inout Repeats) -> NormalizedEvent? {
        guard let idBytes = record.plainBytes(.eventID), idBytes.count == 1 else { return nil }
        let kind: NormalizedEvent.Kind
        switch idBytes[0] {
        case UInt8(ascii: "1"): kind = .processStart
        case UInt8(ascii: "3"): kind = .networkConnection
        default: return nil
        }
        guard isSysmon(record, &repeats),
              let host = record.repeated(.computer, in: &repeats.hosts, {
                  record.keptText(.computer).map { HostIdentity(name: $0, ecsID: nil) }
              }),
              let timeBytes = record.plainBytes(.utcTime), let micros = Timestamp.parseMicros(timeBytes),
              let guid = record.keptBytes(.processGuid), let entityID = Canonical.guid(guid),
              let recordID = record.plainBytes(.recordID), let id = digits(recordID),
              record.repeated(.channel, in: &repeats.sysmonChannels, { isSysmonChannel(record) })
        else { return nil }

        var event = NormalizedEvent(kind: kind, host: host,
                                    timestampMicros: micros, recordKey: .sysmonRecord(id), entityID: entityID)
        event.sourceKind = .sysmon
        event.timePrecisionMicros = Timestamp.precisionMicros(timeBytes)
        guard let pid = record.integer(.processId),
              let image = record.repeated(.image, in: &repeats.executables, { record.keptText(.image, limit: true).map(ExecutablePath.init) })
        else { return nil }
        event.pid = pid.value
        event.executablePath = image
        if let user = record.repeated(.user, in: &repeats.users, { record.keptText(.user).map(Canonical.splitUser) }) {
            event.userDomain = user.domain
            event.userName = user.name
        }
        if kind == .processStart {
            guard let commandLine = record.repeated(.commandLine, in: &repeats.commandLines, {
                record.anyText(.commandLine, limit: true).map {
                    KeptCommandLine(text: $0.value, arguments: $0.value.map { RenderedArguments(CommandLineSplitter.split($0)) })
                }
            }) else { return nil }
            event.commandLine = commandLine.text
            event.arguments = commandLine.arguments
            guard fillProcess(&event, record, &repeats) else { return nil }
        } else {
            guard fillNetwork(&event, record, &repeats) else { return nil }
        }
        return event
    }

    /// Fills a process start's fields; false when one needs `SysmonNormalizer`.
    private static func fillProcess(_ event: inout NormalizedEvent, _ record: FlatRecord, _ repeats: inout Repeats) -> Bool {
        guard let parentGuid = record.keptBytes(.parentProcessGuid), let parentEntityID = Canonical.guid(parentGuid),
              let parentPID = record.integer(.parentProcessId),
              let parentImage = record.repeated(.parentImage, in: &repeats.executables, {
                  record.keptText(.parentImage, limit: true).map(ExecutablePath.init)
              }),
              let parentCommandLine = record.anyText(.parentCommandLine, limit: true),
              let terminalSession = record.integer(.terminalSessionId),
              let logonGUID = record.guid(.logonGuid),
              let workingDirectory = record.optionalText(.currentDirectory),
              let hashes = record.optionalText(.hashes)
        else { return false }
        event.workingDirectory = workingDirectory.value
        event.parentEntityID = parentEntityID
        event.parentPID = parentPID.value
        event.parentExecutablePath = parentImage
        event.parentCommandLine = parentCommandLine.value
        event.integrityLevel = record.keptText(.integrityLevel, repeatingIn: &repeats.texts)
        event.hashes = hashes.value
        event.originalFileName = record.keptText(.originalFileName, repeatingIn: &repeats.texts)
        event.fileDescription = record.keptText(.fileDescription, repeatingIn: &repeats.texts)
        event.product = record.keptText(.product, repeatingIn: &repeats.texts)
        event.company = record.keptText(.company, repeatingIn: &repeats.texts)
        event.fileVersion = record.keptText(.fileVersion, repeatingIn: &repeats.texts)
        event.logonID = record.keptText(.logonId, repeatingIn: &repeats.texts)
        event.logonGUID = logonGUID.value
        event.terminalSessionID = terminalSession.value
        event.parentUser = record.keptText(.parentUser, repeatingIn: &repeats.texts)
        return true
    }

    /// Fills a connection's fields; false when one needs `SysmonNormalizer`.
    private static func fillNetwork(_ event: inout NormalizedEvent, _ record: FlatRecord, _ repeats: inout Repeats) -> Bool {
        guard let transport = record.keptText(.protocol, repeatingIn: &repeats.texts),
              let initiated = record.keptText(.initiated), let direction = Canonical.direction(initiated),
              let sourceIP = record.repeated(.sourceIp, in: &repeats.addresses, { record.keptBytes(.sourceIp).flatMap(Canonical.ipAddress) }),
              let destinationIP = record.repeated(.destinationIp, in: &repeats.addresses, { record.keptBytes(.destinationIp).flatMap(Canonical.ipAddress) }),
              let sourcePort = record.keptBytes(.sourcePort).flatMap(port),
              let destinationPort = record.keptBytes(.destinationPort).flatMap(port)
        else { return false }
        event.transport = transport.lowercased()
        event.direction = direction
        event.sourceIP = sourceIP
        event.destinationIP = destinationIP
        event.sourcePort = sourcePort
        event.destinationPort = destinationPort
        event.sourceHostname = record.keptText(.sourceHostname, repeatingIn: &repeats.texts)
        event.destinationHostname = record.keptText(.destinationHostname, repeatingIn: &repeats.texts)
        event.sourcePortName = record.keptText(.sourcePortName, repeatingIn: &repeats.texts)
        event.destinationPortName = record.keptText(.destinationPortName, repeatingIn: &repeats.texts)
        return true
    }

    /// `SysmonNormalizer.isSysmon` on plain bytes: the provider, else the channel, names Sysmon.
    private static func isSysmon(_ record: FlatRecord, _ repeats: inout Repeats) -> Bool {
        record.repeated(.providerName, in: &repeats.sysmonNames, { namesSysmon(record, .providerName) })
            ?? record.repeated(.channel, in: &repeats.sysmonNames, { namesSysmon(record, .channel) })
            ?? true
    }

    /// Whether the field names Sysmon; nil when the record does not give it. An escaped value
    /// counts as not naming it (the normalizer then decides).
    private static func namesSysmon(_ record: FlatRecord, _ field: SysmonField) -> Bool? {
        let span = record.spans[field.rawValue]
        switch span.kind {
        case .absent, .null: return nil
        case .string, .text: return contains(record.raw(span), "sysmon")
        case .escapedString: return false
        }
    }

    /// Whether the record number is Sysmon's own channel's (absent or spelled as Sysmon's).
    private static func isSysmonChannel(_ record: FlatRecord) -> Bool {
        let span = record.spans[SysmonField.channel.rawValue]
        switch span.kind {
        case .absent, .null: return true
        case .escapedString, .text: return false
        case .string:
            return equalsIgnoringCase(record.raw(span), sysmonChannel)
        }
    }

    /// `SysmonNormalizer.sysmonChannel` in lower case (`FlatScannerDifferentialTests` checks).
    static var sysmonChannel: StaticString { "microsoft-windows-sysmon/operational" }

    /// Whether `text` is `lower` (lower-case ASCII) ignoring ASCII case.
    private static func equalsIgnoringCase(_ text: UnsafeRawBufferPointer, _ lower: StaticString) -> Bool {
        guard text.count == lower.utf8CodeUnitCount else { return false }
        let l = lower.utf8Start
        for i in 0..<text.count where ASCII.lower(text[i]) != l[i] { return false }
        return true
    }

    /// A port 0–65535 written as decimal digits.
    private static func port(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard let value = digits(bytes), value <= 65535 else { return nil }
        return value
    }

    /// A non-negative integer written as 1 to 18 decimal digits, nothing else.
    static func digits(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for c in bytes {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(c - UInt8(ascii: "0"))
        }
        return value
    }

    /// Whether `text` contains `needle` (lower-case ASCII), ignoring ASCII case.
    private static func contains(_ text: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let n = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard n.count <= text.count else { return false }
        for start in 0...(text.count - n.count) {
            var k = 0
            while k < n.count, ASCII.lower(text[start + k]) == n[k] { k += 1 }
            if k == n.count { return true }
        }
        return false
    }
}

/// A value that may be missing: `value` is nil when the record has none (wrapped so that a
/// guard can tell "none" from "needs the normalizer").
struct FlatOptional<Value> {
    var value: Value?
}

extension FlatRecord {
    /// The longest value the fast path keeps as it is (`SysmonNormalizer` cuts longer ones and
    /// says so: `FieldLimit`): fewer UTF-8 bytes than that many UTF-16 units is always safe.
    static var plainLengthLimit: Int { 32_767 }

    /// The field's text when it is present and not empty or `-` (`nonEmpty`), else nil.
    func keptText(_ field: SysmonField, limit: Bool = false) -> String? {
        let span = spans[field.rawValue]
        switch span.kind {
        case .absent, .null: return nil
        case .string, .text:
            let bytes = raw(span)
            if bytes.isEmpty || (bytes.count == 1 && bytes[0] == UInt8(ascii: "-")) { return nil }
            if limit, bytes.count > Self.plainLengthLimit { return nil }
            return String(decoding: bytes, as: UTF8.self)
        case .escapedString:
            let text = Self.unescape(raw(span))
            if limit, text.utf8.count > Self.plainLengthLimit { return nil }
            return nonEmpty(text)
        }
    }

    /// `make()`, or the value it gave before for the same bytes of `field` (its span's kind and
    /// bytes are all a reading of the field depends on).
    @inline(__always)
    func repeated<Value>(_ field: SysmonField, in cache: inout RepeatedBytesCache<Value>, _ make: () -> Value) -> Value {
        let span = spans[field.rawValue]
        return cache.value(for: raw(span), tag: span.kind.rawValue, make: make)
    }

    /// `keptText(field, limit:)`, or what it gave before for the same bytes (`limit` is part of
    /// the key: a text too long with it is kept without it).
    @inline(__always)
    func keptText(_ field: SysmonField, limit: Bool = false, repeatingIn cache: inout RepeatedBytesCache<String?>) -> String? {
        let span = spans[field.rawValue]
        return cache.value(for: raw(span), tag: span.kind.rawValue | (limit ? 0x80 : 0)) { keptText(field, limit: limit) }
    }

    /// The field's bytes when present, not empty or `-`, and without escapes; nil otherwise.
    func keptBytes(_ field: SysmonField) -> UnsafeRawBufferPointer? {
        guard let bytes = plainBytes(field), !bytes.isEmpty, !(bytes.count == 1 && bytes[0] == UInt8(ascii: "-")) else { return nil }
        return bytes
    }

    /// The field's text, kept even when empty (command lines); nil inside when absent. Nil
    /// outright when too long to keep as it is.
    func anyText(_ field: SysmonField, limit: Bool) -> FlatOptional<String>? {
        let span = spans[field.rawValue]
        switch span.kind {
        case .absent, .null: return FlatOptional(value: nil)
        case .string, .text:
            let bytes = raw(span)
            if limit, bytes.count > Self.plainLengthLimit { return nil }
            return FlatOptional(value: String(decoding: bytes, as: UTF8.self))
        case .escapedString:
            let text = Self.unescape(raw(span))
            if limit, text.utf8.count > Self.plainLengthLimit { return nil }
            return FlatOptional(value: text)
        }
    }

    /// `keptText` of a field that is cut when too long: nil outright when it is.
    func optionalText(_ field: SysmonField) -> FlatOptional<String>? {
        let span = spans[field.rawValue]
        if span.kind == .absent || span.kind == .null { return FlatOptional(value: nil) }
        guard let text = keptText(field, limit: true) else {
            // Empty or `-` (none), or too long (the normalizer's).
            return anyText(field, limit: true) == nil ? nil : FlatOptional(value: nil)
        }
        return FlatOptional(value: text)
    }

    /// A GUID field (`Canonical.entityID`): none when absent, empty or `-`; nil outright when
    /// escaped or not a GUID.
    func guid(_ field: SysmonField) -> FlatOptional<String>? {
        let span = spans[field.rawValue]
        switch span.kind {
        case .absent, .null: return FlatOptional(value: nil)
        case .escapedString: return nil
        case .string, .text:
            let bytes = raw(span)
            if bytes.isEmpty || (bytes.count == 1 && bytes[0] == UInt8(ascii: "-")) { return FlatOptional(value: nil) }
            return Canonical.guid(bytes).map { FlatOptional(value: $0) }
        }
    }

    /// An integer field: none when absent, empty or `-`; nil outright when not plain digits.
    func integer(_ field: SysmonField) -> FlatOptional<Int64>? {
        let span = spans[field.rawValue]
        switch span.kind {
        case .absent, .null: return FlatOptional(value: nil)
        case .escapedString: return nil
        case .string, .text:
            let bytes = raw(span)
            if bytes.isEmpty || (bytes.count == 1 && bytes[0] == UInt8(ascii: "-")) { return FlatOptional(value: nil) }
            return FlatSysmonEvent.digits(bytes).map { FlatOptional(value: $0) }
        }
    }
}
