import Foundation

/// A blocking first-in, first-out queue with a fixed capacity, between one producer thread and
/// one consumer. `close()` ends it: `pop()` then drains and returns nil.
package final class BoundedQueue<Element>: @unchecked Sendable {
    private var items: [Element] = []
    private let capacity: Int
    private let condition = NSCondition()
    private var closed = false

    package init(capacity: Int) {
        self.capacity = capacity
    }

    /// Blocks while full. Returns false (dropping the item) when the queue was closed.
    @discardableResult
    package func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity, !closed { condition.wait() }
        if closed { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Blocks while empty; nil once closed and drained.
    package func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !closed { condition.wait() }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Blocks until an item arrives or `deadline` passes.
    /// - Returns: `.item`, `.closed` (closed and drained) or `.timedOut`.
    package func pop(before deadline: Date) -> PopResult {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !closed {
            if deadline == .distantFuture {
                condition.wait()  // wait(until: .distantFuture) traps on Linux
            } else if !condition.wait(until: deadline) {
                return items.isEmpty ? (closed ? .closed : .timedOut) : .item(take())
            }
        }
        if items.isEmpty { return .closed }
        return .item(take())
    }

    package enum PopResult {
        case item(Element)
        case closed
        case timedOut
    }

    private func take() -> Element {
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Adds `item` unless the queue is full or closed; never blocks. Returns whether it was added.
    @discardableResult
    package func offer(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard items.count < capacity, !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Takes every item queued now; never blocks.
    package func takeAll() -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        guard !items.isEmpty else { return [] }
        let all = items
        items.removeAll()
        condition.broadcast()
        return all
    }

    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
