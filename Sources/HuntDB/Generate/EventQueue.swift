import Model

/// A min-heap of scheduled events, ordered by time and then by scheduling order, so events come
/// out in time order and ties keep the order they were scheduled in (deterministic).
///
/// The heap holds small keys; the events wait in slots, so reordering never copies them.
struct EventQueue {
    private var heap: [(key: Int64, order: Int64, slot: Int32)] = []
    private var slots: [SyntheticEvent?] = []
    private var freeSlots: [Int32] = []
    private var scheduled: Int64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// The time of the earliest event.
    var earliest: Int64? { heap.first?.key }

    mutating func push(_ event: SyntheticEvent) {
        let key = event.timeMicros
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(free)] = event
        } else {
            slot = Int32(slots.count)
            slots.append(event)
        }
        heap.append((key, scheduled, slot))
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
        let slot = Int(heap.removeLast().slot)
        var event: SyntheticEvent?
        swap(&event, &slots[slot])
        freeSlots.append(Int32(slot))
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
        return event
    }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        heap[a].key < heap[b].key || (heap[a].key == heap[b].key && heap[a].order < heap[b].order)
    }
}
