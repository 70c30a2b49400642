import Foundation
import Model
import Store

/// The rules of one detection run on several connections at once, with the output of one
/// thread: alerts, suppressed alerts and summaries come out in rule order.
///
/// A dispatcher hands over each rule in order, either decided without running (`decided`) or to
/// run (`enqueue`); workers take the rules in that order, each on its own connection. The rule
/// at the head of the output writes its alerts as they come; a rule that finishes before the
/// ones ahead of it keeps its alerts until they are written, and one that keeps more than
/// `DetectionOptions.keptAlerts` waits until it heads the output.
final class OrderedRuleRun: @unchecked Sendable {
    private enum Event {
        case alert([RowValue])
        case suppressed(Alert, Allowlist.Entry)
    }

    private struct Outcome {
        var summary: RuleRunSummary
        var events: [Event]
    }

    private let keys: [String]
    private let sink: any RowSink
    private let onSuppressed: (Alert, Allowlist.Entry) throws -> Void
    private let options: DetectionOptions

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [(position: Int, rule: DetectionRule)] = []
    private var nextJob = 0
    private var dispatching = true
    private var outcomes: [Int: Outcome] = [:]
    private var nextToWrite = 0
    private var written: [RuleRunSummary] = []
    private var failure: (any Error)?
    private var helpersRunning = 0

    init(keys: [String], sink: any RowSink, options: DetectionOptions,
         onSuppressed: @escaping (Alert, Allowlist.Entry) throws -> Void) {
        self.keys = keys
        self.sink = sink
        self.options = options
        self.onSuppressed = onSuppressed
    }

    /// The rule at `position` did not need to run.
    func decided(_ position: Int, _ summary: RuleRunSummary) throws {
        try complete(position, Outcome(summary: summary, events: []))
    }

    /// The rule at `position` runs on the next free worker.
    func enqueue(_ position: Int, _ rule: DetectionRule) {
        condition.lock()
        jobs.append((position, rule))
        condition.signal()
        condition.unlock()
    }

    /// Every rule was handed over.
    func finishDispatch() {
        condition.lock()
        dispatching = false
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the run: workers take no more rules, and `summaries()` throws `error`.
    func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// Runs rules on `engine` on a new thread until none are left.
    func startHelper(_ engine: DetectionEngine) {
        condition.lock()
        helpersRunning += 1
        condition.unlock()
        let box = EngineBox(engine: engine)
        let thread = Thread { [self] in
            work(box.engine)
            condition.lock()
            helpersRunning -= 1
            condition.broadcast()
            condition.unlock()
        }
        // Deeply nested predicates of large rules recurse in SQLite's parser.
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// Runs rules on `engine` on this thread until none are left.
    func work(_ engine: DetectionEngine) {
        while let (position, rule, heads) = takeJob() {
            do {
                var streams = heads
                var events: [Event] = []
                // A rule that has kept many alerts waits until it heads the output, then writes
                // them and streams the rest: memory stays bounded whatever the rules find.
                func keep(_ event: Event) throws {
                    events.append(event)
                    guard events.count >= options.keptAlerts else { return }
                    try waitUntilHead(position)
                    try write(events)
                    events.removeAll()
                    streams = true
                }
                let summary: RuleRunSummary
                // The keys' places in this rule's rows, resolved at its first alert.
                var slots: AlertKeySlots?
                do {
                    summary = try engine.run(rule, options: options, onAlert: { alert in
                        if slots?.columns !== alert.columns { slots = AlertKeySlots(keys: self.keys, columns: alert.columns) }
                        let row = alert.row(slots!)
                        if streams { try self.sink.write(row) } else { try keep(.alert(row)) }
                    }, onSuppressed: { alert, entry in
                        if streams { try self.onSuppressed(alert, entry) } else { try keep(.suppressed(alert, entry)) }
                    })
                } catch let error as StoreError {
                    summary = RuleRunSummary(ruleID: rule.id, failure: error.description)
                }
                try complete(position, Outcome(summary: summary, events: events))
            } catch {
                fail(error)
                return
            }
        }
    }

    /// Blocks until every rule before `position` is written.
    /// - Throws: the run's failure, when another worker failed meanwhile.
    private func waitUntilHead(_ position: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        while nextToWrite != position, failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Waits for the helpers, then gives every rule's summary in rule order.
    func summaries() throws -> [RuleRunSummary] {
        condition.lock()
        defer { condition.unlock() }
        while helpersRunning > 0 { condition.wait() }
        if let failure { throw failure }
        return written
    }

    /// The next rule to run, and whether it heads the output (it may write as it goes); nil
    /// when none is left or the run failed.
    private func takeJob() -> (Int, DetectionRule, Bool)? {
        condition.lock()
        defer { condition.unlock() }
        while nextJob == jobs.count, dispatching, failure == nil { condition.wait() }
        guard failure == nil, nextJob < jobs.count else { return nil }
        let (position, rule) = jobs[nextJob]
        nextJob += 1
        // Every rule before it is written: nothing else writes until it completes.
        return (position, rule, position == nextToWrite)
    }

    /// Records a rule's outcome and writes every outcome that is next in order.
    private func complete(_ position: Int, _ outcome: Outcome) throws {
        condition.lock()
        defer { condition.unlock() }
        outcomes[position] = outcome
        while let ready = outcomes.removeValue(forKey: nextToWrite) {
            try write(ready.events)
            written.append(ready.summary)
            nextToWrite += 1
        }
        // A rule waiting to head the output may now.
        condition.broadcast()
    }

    private func write(_ events: [Event]) throws {
        for event in events {
            switch event {
            case .alert(let row): try sink.write(row)
            case .suppressed(let alert, let entry): try onSuppressed(alert, entry)
            }
        }
    }
}

/// An engine handed to a helper thread, which alone uses its connection from then on.
private struct EngineBox: @unchecked Sendable {
    let engine: DetectionEngine
}
