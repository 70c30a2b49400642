import Model

extension CorpusEventStream {
    /// Boots `host` at `anchor`: a fresh services.exe (new GUID, parent wininit.exe), lsass.exe,
    /// the services, and on hosts with a user the session (userinit.exe, explorer.exe, tray programs).
    func boot(_ host: SyntheticHost, at anchor: Int64) {
        host.bootsStarted += 1
        host.bootStartMicros = anchor
        host.nextPID = 4
        // Started before Sysmon runs, so never logged: the kernel, wininit.exe and winlogon.exe.
        let system = spawn(host, FleetCatalog.system, "", parent: nil, user: .system, at: anchor - ms(random.int(in: 8000...12000)),
                           pid: 4, logged: false)
        host.nextPID = 400
        let wininit = spawn(host, FleetCatalog.wininit, "wininit.exe", parent: nil, user: .system,
                            at: anchor - ms(random.int(in: 600...1500)), logged: false)
        let winlogon = spawn(host, FleetCatalog.winlogon, "winlogon.exe", parent: nil, user: .system,
                             at: anchor - ms(random.int(in: 500...1400)), logged: false)
        let services = spawn(host, FleetCatalog.services, "C:\\Windows\\system32\\services.exe", parent: wininit, user: .system, at: anchor)
        let state = BootState(number: host.bootsStarted, startMicros: anchor, system: system, services: services,
                              rpcPort: random.int(in: 49664...49720))
        if host.boots.isEmpty { booted.append(host) }
        host.boots.append(state)
        if host.boots.count > 2 { host.boots.removeFirst() }
        state.lsass = spawn(host, FleetCatalog.lsass, "C:\\Windows\\system32\\lsass.exe", parent: wininit, user: .system,
                            at: anchor + ms(random.int(in: 3...30)))

        var offset = 150
        for service in BootPlan.services(for: host.role) {
            offset += random.int(in: 20...400)
            let process = spawn(host, service.program, service.commandLine, parent: services, user: service.user, at: anchor + ms(offset))
            if let key = service.key { state.svchosts[key] = process }
            state.remember(process)
        }
        state.readyMicros = anchor + ms(offset + 1)

        guard BootPlan.sessionEventCount(for: host.role) > 0, let user = host.primaryUser else { return }
        var time = anchor + ms(random.int(in: 20_000...90_000))
        let userinit = spawn(host, FleetCatalog.userinit, "C:\\Windows\\system32\\userinit.exe", parent: winlogon, user: user,
                             directory: "C:\\Windows\\system32\\", at: time)
        time += ms(random.int(in: 300...1500))
        let explorer = spawn(host, FleetCatalog.explorer, "C:\\Windows\\Explorer.EXE", parent: userinit, user: user,
                             directory: "C:\\Windows\\system32\\", at: time)
        state.explorer = explorer
        state.remember(explorer)
        time += ms(random.int(in: 2000...6000))
        state.remember(spawn(host, FleetCatalog.securityHealth, "\"C:\\Windows\\System32\\SecurityHealthSystray.exe\"",
                             parent: explorer, user: user, at: time))
        time += ms(random.int(in: 500...3000))
        if host.role == .workstation, let programs = userPrograms[host.index] {
            state.remember(spawn(host, programs.oneDrive, "\"\(programs.oneDrive.image)\" /background", parent: explorer, user: user, at: time))
        } else {
            state.remember(spawn(host, FleetCatalog.mmc, "\"C:\\Windows\\system32\\mmc.exe\" \"C:\\Windows\\system32\\compmgmt.msc\" /s",
                                 parent: explorer, user: user, integrity: "High", at: time))
        }
        state.readyMicros = time + ms(1)
    }
}
