/// A stable 64-bit hash of an event's normalized fields (FNV-1a over typed, length-prefixed
/// values): with the host, the record key and the time, it is a record's identity, so a
/// different event that reuses a record number is never taken for a duplicate.
///
/// The loader computes it from a `NormalizedEvent`; the store's SQL function `hunt_content_key`
/// computes it from the stored columns with the same code, so both always agree.
public struct ContentKey {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// The key as SQLite stores it.
    public var value: Int64 { Int64(bitPattern: state) }

    /// Adds a missing value.
    public mutating func addNull() {
        add(byte: 0)
    }

    /// Adds text (nil adds a missing value).
    public mutating func add(_ text: String?) {
        guard var text else { return addNull() }
        text.withUTF8 { add(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Adds text given as UTF-8 bytes.
    public mutating func add(utf8 bytes: UnsafeRawBufferPointer) {
        add(byte: 1)
        add(word: UInt64(bytes.count))
        for byte in bytes { add(byte: byte) }
    }

    /// Adds an integer (nil adds a missing value).
    public mutating func add(_ integer: Int64?) {
        guard let integer else { return addNull() }
        add(byte: 2)
        add(word: UInt64(bitPattern: integer))
    }

    private mutating func add(word: UInt64) {
        var word = word
        for _ in 0..<8 {
            add(byte: UInt8(truncatingIfNeeded: word))
            word >>= 8
        }
    }

    @inline(__always)
    private mutating func add(byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
}

extension NormalizedEvent {
    /// The content key of this event: its fields in the order `hunt_content_key` takes the
    /// columns (see migrations/sql/m0005_record_identity.sql).
    public var contentKey: Int64 {
        var key = ContentKey()
        key.add(entityID)
        key.add(pid)
        key.add(executable)
        switch kind {
        case .processStart:
            key.add(commandLine)
            key.add(workingDirectory)
            key.add(parentEntityID)
            key.add(parentPID)
            key.add(parentExecutable)
            key.add(parentCommandLine)
            key.add(userName)
            key.add(userDomain)
            key.add(integrityLevel)
            key.add(hashes)
        case .processExit, .hostBoot:
            key.add(userName)
            key.add(userDomain)
        case .networkConnection:
            key.add(userName)
            key.add(userDomain)
            key.add(transport)
            key.add(direction)
            key.add(sourceIP)
            key.add(sourcePort)
            key.add(sourceHostname)
            key.add(destinationIP)
            key.add(destinationPort)
            key.add(destinationHostname)
        case .logon:
            key.add(userName)
            key.add(userDomain)
            key.add(logonID)
            key.add(sourceIP)
            key.add(sourcePort)
            key.add(logon?.eventCode)
            key.add(logon?.logonType)
            key.add(logon?.workstation)
            key.add(logon?.logonProcess)
            key.add(logon?.authenticationPackage)
            key.add(logon?.failureStatus)
        case .commandLineEvidence:
            key.add(commandLine)
            key.add(userName)
            key.add(userDomain)
        case .serviceInstall:
            key.add(userName)
            key.add(userDomain)
            key.add(service?.eventCode)
            key.add(service?.serviceName)
            key.add(service?.imagePath)
            key.add(service?.startType)
            key.add(service?.serviceType)
            key.add(service?.account)
        }
        return key.value
    }
}
