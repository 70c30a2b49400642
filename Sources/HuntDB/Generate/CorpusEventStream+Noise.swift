import Model

/// Events that `hunt load` counts as not relevant: Sysmon 5, 7, 10, 11, 13 and 22.
extension CorpusEventStream {
    /// Schedules exactly one noise event on `host` at `t`.
    func noise(on host: SyntheticHost, at time: Int64) {
        guard let boot = host.boot else { return }
        let t = Swift.max(time, boot.readyMicros)
        let actor = boot.recent.isEmpty ? boot.services : boot.recent[random.index(boot.recent.count)]
        var event = SyntheticEvent(kind: .imageLoad, host: host, timeMicros: t, process: actor)
        let roll = random.index(100)
        switch roll {
        case 0..<30:
            event.targetProgram = random.pick(NoiseCatalog.modules)
        case 30..<50:
            event.kind = .processAccess
            let target = random.chance(0.5) ? (boot.lsass ?? boot.services) : boot.recent.isEmpty ? boot.services : random.pick(boot.recent)
            event.targetProcess = target
            event.targetDetails = random.pick(["0x1000", "0x1400", "0x1410", "0x101000", "0x1fffff"])
            event.target = NoiseCatalog.callTrace(random: &random)
        case 50..<65:
            event.kind = .fileCreate
            event.target = NoiseCatalog.filePath(user: host.primaryUser?.name, random: &random)
        case 65..<80:
            event.kind = .registryValueSet
            let (key, details) = NoiseCatalog.registryValue(random: &random)
            event.target = key
            event.targetDetails = details
        case 80..<94:
            event.kind = .dnsQuery
            let (name, results) = NoiseCatalog.dnsAnswer(random: &random)
            event.target = name
            event.targetDetails = results
        default:
            event.kind = .processTerminate
            if actor !== boot.services, actor !== boot.explorer, !boot.svchosts.values.contains(where: { $0 === actor }) {
                boot.forget(actor)
            }
        }
        schedule(event)
    }
}

/// Vocabulary of the noise events.
enum NoiseCatalog {
    static let modules: [Program] = [
        ("ntdll.dll", "NT Layer DLL"), ("kernel32.dll", "Windows NT BASE API Client DLL"), ("KernelBase.dll", "Windows NT BASE API Client DLL"),
        ("amsi.dll", "Anti-Malware Scan Interface"), ("wininet.dll", "Internet Extensions for Win32"), ("crypt32.dll", "Crypto API32"),
        ("samlib.dll", "SAM Library DLL"), ("winhttp.dll", "Windows HTTP Services"), ("dbghelp.dll", "Windows Image Helper"),
        ("rpcrt4.dll", "Remote Procedure Call Runtime"), ("combase.dll", "Microsoft COM for Windows"), ("bcrypt.dll", "Windows Cryptographic Primitives Library"),
    ].map { Program(image: "C:\\Windows\\System32\\" + $0.0, description: $0.1, product: "Microsoft® Windows® Operating System",
                    company: "Microsoft Corporation", fileVersion: "10.0.19041.3636 (WinBuild.160101.0800)") }

    private static let frames = ["ntdll.dll+9d4c4", "KERNELBASE.dll+2b90e", "kernel32.dll+17614", "combase.dll+5b2a3", "RPCRT4.dll+62a13",
                                 "psmserviceexthost.dll+222a3", "psmserviceexthost.dll+1a172", "UNKNOWN(00007FFB5C2E1A2B)", "sechost.dll+3e5c1"]

    /// A Sysmon `CallTrace`: several `C:\…\module+offset` frames joined by `|`.
    static func callTrace(random: inout SeededRandom) -> String {
        (0..<random.int(in: 4...9)).map { _ in
            let frame = random.pick(frames)
            return frame.hasPrefix("UNKNOWN") ? frame : "C:\\Windows\\SYSTEM32\\" + frame
        }.joined(separator: "|")
    }

    static func filePath(user: String?, random: inout SeededRandom) -> String {
        let profile = "C:\\Users\\\(user ?? "Default")"
        switch random.index(5) {
        case 0: return "C:\\Windows\\Prefetch\\\(random.pick(["CHROME.EXE", "SVCHOST.EXE", "TASKHOSTW.EXE", "CONHOST.EXE"]))-\(String(random.next() & 0xFFFF_FFFF, radix: 16, uppercase: true)).pf"
        case 1: return "C:\\Windows\\Temp\\{\(SysmonGUID(high: random.next(), low: random.next()).canonical.uppercased())} - OProcSessId.dat"
        case 2: return profile + "\\AppData\\Local\\Temp\\~DF\(String(random.next() & 0xFFFFFF, radix: 16, uppercase: true)).TMP"
        case 3: return profile + "\\Documents\\" + random.pick(CommandLines.documents)
        default: return profile + "\\AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\\(CommandLines.letters(8, random: &random).uppercased())\\favicon[1].ico"
        }
    }

    static func registryValue(random: inout SeededRandom) -> (String, String) {
        switch random.index(4) {
        case 0: return ("HKU\\S-1-5-20\\Software\\Microsoft\\Windows\\CurrentVersion\\DeliveryOptimization\\Config\\DownloadMode_BackCompat", "DWORD (0x00000001)")
        case 1: return ("HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\S-1-5-21-3541430928-2051711210-1391384369-1104\\\\Device\\HarddiskVolume2\\Windows\\System32\\cmd.exe", "Binary Data")
        case 2: return ("HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\SignaturesLastUpdated", "QWORD (0x01da2b4c-0x8e5f3a20)")
        default: return ("HKCU\\Software\\Microsoft\\Office\\16.0\\Common\\Roaming\\Identities\\LastSwitchedTime", "\"2026-11-01 \\\"roaming\\\" & <sync>\"")
        }
    }

    static func dnsAnswer(random: inout SeededRandom) -> (String, String) {
        switch random.index(5) {
        case 0: return ("srv-dc01.corp.example", "::ffff:10.10.0.10;")
        case 1: return ("www.google.com", "::ffff:142.250.185.78;2a00:1450:4001:82a::200e;")
        case 2: return ("outlook.office365.com", "type:  5 outlook.ha.office365.com;::ffff:52.96.165.18;")
        case 3: return ("wpad.corp.example", "-")
        default: return ("settings-win.data.microsoft.com", "type:  5 atm-settingsfe-prod-geo2.trafficmanager.net;::ffff:40.79.197.35;")
        }
    }
}
