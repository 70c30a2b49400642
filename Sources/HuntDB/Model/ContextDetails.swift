/// What a logon event says (Security 4624 success, 4625 failure): the context of an alert's
/// network connection ("who logged on from that address").
public struct LogonDetails: Sendable, Equatable {
    /// 4624 (the logon succeeded) or 4625 (it failed).
    public var eventCode: Int64
    /// 2 interactive, 3 network, 10 remote interactive, … as Windows numbers them.
    public var logonType: Int64?
    /// The new logon session (`TargetLogonId`, e.g. `0x2990d17`); a failed logon has none.
    public var logonID: String?
    /// The workstation name the client gave (`WorkstationName`).
    public var workstation: String?
    /// `LogonProcessName` (`NtLmSsp`, `Kerberos`, `User32`).
    public var logonProcess: String?
    /// `AuthenticationPackageName` (`NTLM`, `Kerberos`, `Negotiate`).
    public var authenticationPackage: String?
    /// A failed logon's `Status` / `SubStatus` code (`0xc000006d`).
    public var failureStatus: String?

    public init(eventCode: Int64) {
        self.eventCode = eventCode
    }

    public var succeeded: Bool { eventCode == 4624 }
}

/// What a service installation says (System 7045, Security 4697, or a Sysmon 13 registry set of
/// `…\Services\<name>\ImagePath`): the context of a process services.exe started.
public struct ServiceDetails: Sendable, Equatable {
    /// 7045, 4697 or 13 (Sysmon's registry value set).
    public var eventCode: Int64
    public var serviceName: String
    /// The command line the service control manager runs, as written (`%COMSPEC% /C …`).
    public var imagePath: String?
    /// `StartType` as given (`demand start`, `auto start`, or the number `3`).
    public var startType: String?
    /// `ServiceType` as given (`user mode service`, `0x10`).
    public var serviceType: String?
    /// The account the service runs as (`LocalSystem`).
    public var account: String?

    public init(eventCode: Int64, serviceName: String) {
        self.eventCode = eventCode
        self.serviceName = serviceName
    }
}
