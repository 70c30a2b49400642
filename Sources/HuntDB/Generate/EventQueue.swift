/// A min-heap of scheduled events, ordered by time and then by scheduling order, so events come
/// out in time order and ties keep the order they were scheduled in (deterministic).
struct EventQueue {
    private var heap: [(key: Int64, order: Int64, event: SyntheticEvent)] = []
    private var scheduled: Int64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// The time of the earliest event.
    var earliest: Int64? { heap.first?.key }

    mutating func push(_ event: SyntheticEvent) {
        heap.append((event.timeMicros, scheduled, event))
        scheduled += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> SyntheticEvent? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast().event
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var smallest = left
            if left + 1 < heap.count, less(left + 1, left) { smallest = left + 1 }
            guard less(smallest, parent) else { break }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        heap[a].key < heap[b].key || (heap[a].key == heap[b].key && heap[a].order < heap[b].order)
    }
}
