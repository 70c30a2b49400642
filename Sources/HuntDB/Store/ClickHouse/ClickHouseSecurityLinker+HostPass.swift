import Model

extension ClickHouseSecurityLinker {
    /// One host's share of a linking pass: the links of its events from `from` on, decided by
    /// `SyntheticEntity.resolve` and `VolumeMap.volume` from what the pass read.
    struct HostPass {
        let hostID: Int64
        let hostKey: String
        /// The host's first time in the pass (`Int64.min`: all of it).
        let from: Int64
        /// Write every row again, changed or not (the first pass over a host linked before c0006).
        let rewriteAll: Bool
        /// The volumes known before the pass.
        let volumes: [String: String]

        /// The rows whose links changed, per table.
        struct Links {
            var processes: [ClickHouseLinkWriter.Link] = []
            var connections: [ClickHouseLinkWriter.Link] = []
            var lifecycle: [ClickHouseLinkWriter.Link] = []

            mutating func add(_ other: Links) {
                processes += other.processes
                connections += other.connections
                lifecycle += other.lifecycle
            }
        }
        private(set) var links = Links()
        /// The volumes learned in this pass: device → drive and the time of the evidence.
        private(set) var learned: [String: (drive: String, ts: Int64)] = [:]
        /// Starts before `from` whose executables the volume evidence needs.
        private(set) var earlierStarts: [ClickHouseLinkReader.StartKey] = []
        private var linked: [(row: ClickHouseLinkReader.Event, entity: String)] = []
        private var entityExecutables: [String: String] = [:]
        private var exitExecutables: [String: String] = [:]

        init(hostID: Int64, hostKey: String, from: Int64, rewriteAll: Bool, volumes: [String: String]) {
            self.hostID = hostID
            self.hostKey = hostKey
            self.from = from
            self.rewriteAll = rewriteAll
            self.volumes = volumes
        }

        /// Names each 4688's process and links its creator, links exits and each connection's
        /// process, and notes the earlier starts whose executables may show a volume.
        mutating func linkProcesses(window: ClickHouseLinkReader.Window, before: SecurityLinkTimeline.Before) {
            let timeline = SecurityLinkTimeline(window: window, before: before)
            let hostKey = hostKey
            func resolve(pid: Int64, at ts: Int64, excluding eventID: Int64?) -> String {
                SyntheticEntity.resolve(hostKey: hostKey, pid: pid, lastStart: timeline.lastStart(pid: pid, at: ts, excluding: eventID),
                                        lastExit: timeline.lastExit(pid: pid, before: ts), lastBoot: timeline.lastBoot(at: ts))
            }
            for start in window.starts {
                let entity = start.pid.map { SyntheticEntity.id(hostKey: hostKey, pid: $0, .started(start.ts)) } ?? (start.entity ?? "")
                let parent = start.parentPID.map { resolve(pid: $0, at: start.ts, excluding: start.eventID) }
                if let executable = start.executable { entityExecutables[entity] = entityExecutables[entity] ?? executable }
                if rewriteAll || entity != start.entity || parent != start.parentEntity {
                    links.processes.append(.init(hostID: hostID, eventID: start.eventID, ts: start.ts, entity: entity, parent: parent,
                                                 executable: start.executable))
                }
            }
            for exit in window.exits {
                let entity = exit.pid.map { resolve(pid: $0, at: exit.ts, excluding: nil) } ?? ""
                if let executable = exit.executable { exitExecutables[entity] = exitExecutables[entity] ?? executable }
                if exit.isSecurity, rewriteAll || entity != exit.entity {
                    links.lifecycle.append(.init(hostID: hostID, eventID: exit.eventID, ts: exit.ts, entity: entity, parent: nil,
                                                 executable: exit.executable))
                }
            }
            linked = window.connections.map { row in (row, row.pid.map { resolve(pid: $0, at: row.ts, excluding: nil) } ?? "") }
            for (row, entity) in linked where isUnmapped(row) {
                guard let pid = row.pid, let ts = timeline.lastStart(pid: pid, at: row.ts, excluding: nil), ts < from,
                      entity == SyntheticEntity.id(hostKey: hostKey, pid: pid, .started(ts)) else { continue }
                earlierStarts.append(.init(hostID: hostID, pid: pid, ts: ts))
            }
        }

        /// Whether the connection's path is on a device whose drive is not known yet.
        private func isUnmapped(_ row: ClickHouseLinkReader.Event) -> Bool {
            guard let path = row.executable, let device = ClickHouseSecurityLinker.device(of: path) else { return false }
            return volumes[device] == nil
        }

        /// Learns volumes from connections whose process's 4688 or 4689 gives the same file by
        /// drive (the earliest evidence wins), then maps the connections' device paths.
        mutating func linkConnections(startExecutables: [ClickHouseLinkReader.StartKey: String]) {
            for start in earlierStarts {
                let entity = SyntheticEntity.id(hostKey: hostKey, pid: start.pid, .started(start.ts))
                if let executable = startExecutables[start] { entityExecutables[entity] = entityExecutables[entity] ?? executable }
            }
            for (row, entity) in linked where isUnmapped(row) {
                guard let devicePath = row.executable else { continue }
                for drivePath in [entityExecutables[entity], exitExecutables[entity]].compactMap({ $0 }) where !drivePath.hasPrefix("\\") {
                    if let volume = VolumeMap.volume(devicePath: devicePath, drivePath: drivePath), learned[volume.device] == nil {
                        learned[volume.device] = (volume.drive, row.ts)
                    }
                }
            }
            var all = volumes
            for (device, volume) in learned { all[device] = volume.drive }
            for (row, entity) in linked {
                let executable = row.executable.map { ClickHouseSecurityLinker.mapped($0, volumes: all) }
                if rewriteAll || entity != row.entity || executable != row.executable {
                    links.connections.append(.init(hostID: hostID, eventID: row.eventID, ts: row.ts, entity: entity, parent: nil,
                                                   executable: executable))
                }
            }
        }

        /// Maps the device paths of earlier connections on the volumes learned in this pass.
        mutating func mapEarlier(_ connections: [ClickHouseLinkReader.Event]) {
            let learnedVolumes = learned.mapValues(\.drive)
            for row in connections {
                guard let path = row.executable else { continue }
                let executable = ClickHouseSecurityLinker.mapped(path, volumes: learnedVolumes)
                if executable != path {
                    links.connections.append(.init(hostID: hostID, eventID: row.eventID, ts: row.ts, entity: row.entity ?? "", parent: nil,
                                                   executable: executable))
                }
            }
        }

        /// The `host_volumes` rows of the volumes learned, and the mark of a host learned whole.
        var volumeRows: [[RowValue]] {
            var rows: [[RowValue]] = learned.sorted { $0.key < $1.key }.map {
                [.integer(hostID), .text($0.key), .text($0.value.drive), .integer($0.value.ts)]
            }
            if rewriteAll { rows.append([.integer(hostID), .text(""), .text(""), .integer(0)]) }
            return rows
        }
    }
}
