import Foundation
import Model
import Store

/// One split rule (`-- split: hosts by …`) run in parts: part i of n keeps the hosts with
/// `host_id % n = i`, each part steps its statement on its own connection and thread, and this
/// thread merges the parts' rows in the rule's order into one sink. The sink sees the rows and
/// the order of one whole run (`SplitRuleRunTests` compares them).
struct SplitRuleRun {
    let rule: DetectionRule
    let split: RuleSplit
    /// One connection per part; each is used by its part's thread alone while the run lasts.
    let parts: [any EventStore]

    /// Runs `sql` with `parameters` (and each part's two) and writes the merged rows to `sink`.
    /// - Throws: a part's `StoreError`, `RuleError` when the SQL does not return an order
    ///   column, or the sink's error. Every part has stopped when this returns.
    func run(sql: String, parameters: [String: RowValue], purpose: String, into sink: any RowSink) throws {
        let queues = parts.map { _ in PartRowQueue() }
        let running = DispatchGroup()
        for (index, store) in parts.enumerated() {
            var values = parameters
            values[RuleSplit.partsParameter] = .integer(Int64(parts.count))
            values[RuleSplit.partParameter] = .integer(Int64(index))
            let part = Part(store: store, queue: queues[index], sql: sql, parameters: values,
                            purpose: "\(purpose), hosts part \(index + 1) of \(parts.count)")
            running.enter()
            let thread = Thread {
                part.run()
                running.leave()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        defer {
            for queue in queues { queue.stop() }
            running.wait()
        }
        try merge(queues, into: sink)
    }

    private func merge(_ queues: [PartRowQueue], into sink: any RowSink) throws {
        var columns: [String]?
        for queue in queues {
            if let returned = try queue.awaitColumns(), columns == nil { columns = returned }
        }
        let names = columns ?? []
        var slots: [Int] = []
        for name in split.orderColumns {
            guard let slot = names.firstIndex(of: name) else {
                throw RuleError("\(rule.origin): the rule is split by hosts and merged by \(name), which its SQL does not return")
            }
            slots.append(slot)
        }
        let order = SQLiteRowOrder(slots: slots)
        try sink.begin(columns: names)
        var heads = try queues.map { try $0.next() }
        while true {
            var first: Int?
            for index in heads.indices {
                guard let row = heads[index] else { continue }
                if let best = first, !order.precedes(row, heads[best]!) { continue }
                first = index
            }
            guard let first else { break }
            try sink.write(heads[first]!)
            heads[first] = try queues[first].next()
        }
        try sink.end()
    }

    /// One part's statement, stepped on its own thread into its queue.
    private struct Part: @unchecked Sendable {
        let store: any EventStore
        let queue: PartRowQueue
        let sql: String
        let parameters: [String: RowValue]
        let purpose: String

        func run() {
            do {
                _ = try store.runRule(sql: sql, parameters: parameters, purpose: purpose, into: queue)
                queue.finish()
            } catch {
                queue.finish(error)
            }
        }
    }
}
