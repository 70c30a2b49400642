import Foundation
import Model

/// One process in the synthetic fleet: what its Sysmon process-creation event says about it.
///
/// Events refer to processes by reference; a process lives as long as an event, a child or its
/// host's live-process table refers to it.
public final class SyntheticProcess {
    /// Sysmon's `ProcessGuid`.
    public let guid: SysmonGUID
    public let pid: Int64
    public let program: Program
    /// The image path as this process reports it (usually `program.image`).
    public let image: String
    public let commandLine: String
    public let currentDirectory: String
    public let user: UserAccount
    /// `System`, `High`, `Medium` or `Low`.
    public let integrityLevel: String
    public let parent: SyntheticProcess?
    public let startMicros: Int64
    /// Sysmon's `TerminalSessionId`.
    public let session: Int
    /// The Elastic Defend agent id of the host, the base of `ecsEntityID`.
    let agentID: String
    /// Sysmon's `LogonGuid`.
    public let logonGUID: SysmonGUID

    init(guid: SysmonGUID, pid: Int64, program: Program, image: String? = nil, commandLine: String,
         currentDirectory: String, user: UserAccount, integrityLevel: String, parent: SyntheticProcess?,
         startMicros: Int64, session: Int, agentID: String, logonGUID: SysmonGUID) {
        self.guid = guid
        self.pid = pid
        self.program = program
        self.image = image ?? program.image
        self.commandLine = commandLine
        self.currentDirectory = currentDirectory
        self.user = user
        self.integrityLevel = integrityLevel
        self.parent = parent
        self.startMicros = startMicros
        self.session = session
        self.agentID = agentID
        self.logonGUID = logonGUID
    }

    /// The file name of the image, e.g. `services.exe`.
    public var name: String { PathName.basename(image) }

    /// An Elastic Defend-style entity id: base64 of agent id, pid and start time; case-sensitive.
    public private(set) lazy var ecsEntityID: String = {
        let fileTime = (startMicros + 11_644_473_600_000_000) * 10
        return Data("\(agentID)-\(pid)-\(fileTime)".utf8).base64EncodedString()
    }()

    /// `process.args` as Elastic Defend reports it: the command line split like Windows does.
    public var args: [String] { CommandLineSplitter.split(commandLine) }
}
