import Model

/// The fixed vocabulary of the synthetic fleet: programs, accounts, names and addresses.
enum FleetCatalog {
    static let domain = "corp.example"
    static let netbiosDomain = "CORP"
    /// The Windows Event Collector that NXLog-style exports name in `host`.
    static let collector = "wec.corp.example"

    private static let windows = "Microsoft® Windows® Operating System"
    private static let microsoft = "Microsoft Corporation"
    private static let build = "10.0.19041.3636 (WinBuild.160101.0800)"

    private static func system32(_ name: String, _ description: String, original: String? = nil) -> Program {
        Program(image: "C:\\Windows\\System32\\" + name, description: description, product: windows,
                company: microsoft, fileVersion: build, originalFileName: original)
    }

    // Boot chain and services.
    static let system = Program(image: "System", description: "NT Kernel & System", product: windows, company: microsoft, fileVersion: build, originalFileName: "ntoskrnl.exe")
    static let wininit = system32("wininit.exe", "Windows Start-Up Application", original: "WinInit.exe")
    static let winlogon = system32("winlogon.exe", "Windows Logon Application", original: "WINLOGON.EXE")
    static let services = system32("services.exe", "Services and Controller app", original: "services.exe")
    static let lsass = system32("lsass.exe", "Local Security Authority Process", original: "lsass.exe")
    static let svchost = system32("svchost.exe", "Host Process for Windows Services", original: "svchost.exe")
    static let spoolsv = system32("spoolsv.exe", "Spooler SubSystem App", original: "spoolsv.exe")
    static let searchIndexer = system32("SearchIndexer.exe", "Microsoft Windows Search Indexer", original: "SearchIndexer.exe")
    static let msdtc = system32("msdtc.exe", "Microsoft Distributed Transaction Coordinator Service", original: "msdtc.exe")
    static let vds = system32("vds.exe", "Virtual Disk Service", original: "vds.exe")
    static let dns = system32("dns.exe", "Domain Name System (DNS) Server", original: "dns.exe")
    static let dfsrs = system32("dfsrs.exe", "Distributed File System Replication", original: "dfsrs.exe")
    static let ismserv = system32("ismserv.exe", "Windows NT Intersite Messaging Service", original: "ismserv.exe")
    static let msMpEng = Program(image: "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.23110.3-0\\MsMpEng.exe",
                                 description: "Antimalware Service Executable", product: windows, company: microsoft,
                                 fileVersion: "4.18.23110.3 (WinBuild.160101.0800)", originalFileName: "MsMpEng.exe")

    // Services children that the detection's allowlist accepts.
    static let trustedInstaller = Program(image: "C:\\Windows\\servicing\\TrustedInstaller.exe", description: "Windows Modules Installer",
                                          product: windows, company: microsoft, fileVersion: build)
    static let msiexec = system32("msiexec.exe", "Windows® installer", original: "msiexec.exe")
    static let psexesvc = Program(image: "C:\\Windows\\PSEXESVC.EXE", description: "PsExec Service", product: "Sysinternals PsExec",
                                  company: "Sysinternals - www.sysinternals.com", fileVersion: "2.43", originalFileName: "psexesvc.exe")
    static let sppsvc = system32("sppsvc.exe", "Microsoft Software Protection Platform Service", original: "sppsvc.exe")
    static let healthService = Program(image: "C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\HealthService.exe",
                                       description: "Health Service", product: "System Center", company: microsoft, fileVersion: "10.20.18053.0")
    static let googleUpdate = Program(image: "C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe", description: "Google Installer",
                                      product: "Google Update", company: "Google LLC", fileVersion: "1.3.36.352")
    static let mozillaMaintenance = Program(image: "C:\\Program Files (x86)\\Mozilla Maintenance Service\\maintenanceservice.exe",
                                            description: "Mozilla Maintenance Service", product: "Firefox", company: "Mozilla Foundation", fileVersion: "121.0.1")
    static let mpCmdRun = Program(image: "C:\\Program Files\\Windows Defender\\MpCmdRun.exe", description: "Microsoft Malware Protection Command Line Utility",
                                  product: windows, company: microsoft, fileVersion: "4.18.23110.3 (WinBuild.160101.0800)")
    static let officeC2R = Program(image: "C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun\\OfficeC2RClient.exe",
                                   description: "Microsoft Office Click-to-Run Client", product: "Microsoft Office", company: microsoft, fileVersion: "16.0.17029.20108")

    // Session and user programs.
    static let userinit = system32("userinit.exe", "Userinit Logon Application", original: "USERINIT.EXE")
    static let explorer = Program(image: "C:\\Windows\\explorer.exe", description: "Windows Explorer", product: windows,
                                  company: microsoft, fileVersion: build, originalFileName: "EXPLORER.EXE")
    static let securityHealth = system32("SecurityHealthSystray.exe", "Windows Security notification icon")
    static let taskhostw = system32("taskhostw.exe", "Host Process for Windows Tasks", original: "taskhostw.exe")
    static let runtimeBroker = system32("RuntimeBroker.exe", "Runtime Broker", original: "RuntimeBroker.exe")
    static let wmiPrvSE = system32("wbem\\WmiPrvSE.exe", "WMI Provider Host", original: "Wmiprvse.exe")
    static let backgroundTaskHost = system32("backgroundTaskHost.exe", "Background Task Host", original: "backgroundTaskHost.exe")
    static let conhost = system32("conhost.exe", "Console Window Host", original: "CONHOST.EXE")
    static let dllhost = system32("dllhost.exe", "COM Surrogate", original: "dllhost.exe")
    static let cmd = system32("cmd.exe", "Windows Command Processor", original: "Cmd.Exe")
    static let powershell = system32("WindowsPowerShell\\v1.0\\powershell.exe", "Windows PowerShell", original: "PowerShell.EXE")
    static let whoami = system32("whoami.exe", "whoami - displays logged on user information", original: "whoami.exe")
    static let ipconfig = system32("ipconfig.exe", "IP Configuration Utility", original: "ipconfig.exe")
    static let ping = system32("PING.EXE", "TCP/IP Ping Command", original: "ping.exe")
    static let net = system32("net.exe", "Net Command", original: "net.exe")
    static let notepad = system32("notepad.exe", "Notepad", original: "NOTEPAD.EXE")
    static let mstsc = system32("mstsc.exe", "Remote Desktop Connection", original: "mstsc.exe")
    static let mmc = system32("mmc.exe", "Microsoft Management Console", original: "MMC.EXE")
    static let sc = system32("sc.exe", "Service Control Manager Configuration Tool", original: "sc.exe")
    static let chrome = Program(image: "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", description: "Google Chrome",
                                product: "Google Chrome", company: "Google LLC", fileVersion: "120.0.6099.130")
    static let msedge = Program(image: "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", description: "Microsoft Edge",
                                product: "Microsoft Edge", company: microsoft, fileVersion: "120.0.2210.91")
    static let winword = office("WINWORD.EXE", "Microsoft Word")
    static let excel = office("EXCEL.EXE", "Microsoft Excel")
    static let outlook = office("OUTLOOK.EXE", "Microsoft Outlook")

    private static func office(_ name: String, _ description: String) -> Program {
        Program(image: "C:\\Program Files\\Microsoft Office\\root\\Office16\\" + name, description: description,
                product: "Microsoft Office", company: microsoft, fileVersion: "16.0.17029.20108")
    }

    /// Programs installed per user under `AppData`, so their paths name the user.
    static func userPrograms(_ user: String) -> (teams: Program, oneDrive: Program, code: Program) {
        let local = "C:\\Users\\\(user)\\AppData\\Local\\"
        return (Program(image: local + "Microsoft\\Teams\\current\\Teams.exe", description: "Microsoft Teams", product: "Microsoft Teams",
                        company: microsoft, fileVersion: "1.6.00.33567"),
                Program(image: local + "Microsoft\\OneDrive\\OneDrive.exe", description: "Microsoft OneDrive", product: "Microsoft OneDrive",
                        company: microsoft, fileVersion: "23.246.1127.0002"),
                Program(image: local + "Programs\\Microsoft VS Code\\Code.exe", description: "Visual Studio Code", product: "Visual Studio Code",
                        company: microsoft, fileVersion: "1.85.1"))
    }

    /// Given names for workstation users; beyond the list, a numbered suffix keeps them unique.
    static let givenNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "karl",
                             "laura", "mallory", "niaj", "olivia", "peggy", "quentin", "rupert", "sybil", "trent",
                             "ursula", "victor", "walter", "xena", "yusuf", "zoe", "anaïs", "jörg"]

    /// Server names in the order the fleet gets them.
    static let serverNames: [(String, HostRole)] = [
        ("SRV-DC01", .domainController), ("SRV-MGMT01", .management), ("SRV-FS01", .fileServer), ("SRV-DC02", .domainController),
        ("SRV-SQL01", .server), ("SRV-WEB01", .server), ("SRV-APP01", .server), ("SRV-EXCH01", .server), ("SRV-PRINT01", .server),
        ("SRV-BACKUP01", .server),
    ]

    /// Internet destinations of browsers and services: address, reverse name (nil for `-`).
    static let internet: [(IPText, String?)] = [
        (IPText(142, 250, 185, 78), "fra16s56-in-f14.1e100.net"), (IPText(142, 250, 74, 110), nil),
        (IPText(172, 217, 16, 142), "fra16s08-in-f14.1e100.net"), (IPText(13, 107, 42, 14), nil),
        (IPText(13, 107, 6, 152), nil), (IPText(52, 96, 165, 18), nil), (IPText(40, 126, 32, 74), nil),
        (IPText(20, 190, 159, 4), nil), (IPText(151, 101, 1, 140), nil), (IPText(151, 101, 65, 69), nil),
        (IPText(104, 16, 132, 229), nil), (IPText(104, 18, 32, 7), nil), (IPText(140, 82, 121, 4), "lb-140-82-121-4-fra.github.com"),
        (IPText(185, 199, 108, 133), "cdn-185-199-108-133.github.com"), (IPText(23, 55, 220, 96), "a23-55-220-96.deploy.static.akamaitechnologies.com"),
        (IPText(54, 230, 159, 101), "server-54-230-159-101.fra56.r.cloudfront.net"), (IPText(34, 107, 221, 82), "82.221.107.34.bc.googleusercontent.com"),
        (IPText(groups: [0x2a00, 0x1450, 0x4001, 0x82a, 0, 0, 0, 0x200e]), "fra24s06-in-x0e.1e100.net"),
        (IPText(groups: [0x2620, 0x1ec, 0xc11, 0, 0, 0, 0, 0x200]), nil),
        (IPText(groups: [0x2606, 0x4700, 0, 0, 0, 0, 0x6810, 0x84e5]), nil),
    ]
    /// Microsoft update and telemetry endpoints that svchost talks to.
    static let microsoftCloud: [IPText] = [IPText(13, 107, 4, 50), IPText(20, 42, 65, 92), IPText(40, 79, 197, 35), IPText(52, 184, 220, 82)]
}
