/// A binary min-heap over a fixed group of agents, ordered by (key, slot), from which any
/// member can be removed or re-keyed.
///
/// A group's agents are numbered by *slot*, `0..<slots`, in ascending agent id (see
/// `WorkerGroups`), so among equal keys the heap's first entry is the agent with the lowest
/// id: the tie rule of every built-in strategy's scan ("the first in id order with the
/// smallest value"). Keys must not be NaN.
///
/// Complexity: `first`, `contains` O(1); `insert`, `remove`, `update` O(log m) for a heap
/// of m entries; `visit` O(entries visited). Storage: one position per slot and one entry
/// per member, in `ContiguousArray`s; nothing is allocated once the arrays have grown.
struct AgentHeap {
    /// A member and its key.
    struct Entry {
        var key: Double
        var slot: Int32
    }

    private var entries: ContiguousArray<Entry> = []
    /// Index in `entries` of each slot's entry, or -1 when the slot is not in the heap.
    private var position: ContiguousArray<Int32>

    /// An empty heap for a group of `slots` agents.
    init(slots: Int) {
        position = ContiguousArray(repeating: -1, count: slots)
    }

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// The entry with the smallest key, the lowest slot among equal keys. O(1).
    var first: Entry? { entries.first }

    /// Whether `slot` is in the heap. O(1).
    func contains(_ slot: Int) -> Bool { position[slot] >= 0 }

    /// Inserts `slot` with `key`, or changes its key if it is already in. O(log m).
    mutating func update(_ slot: Int, key: Double) {
        let index = Int(position[slot])
        if index < 0 {
            entries.append(Entry(key: key, slot: Int32(slot)))
            position[slot] = Int32(entries.count - 1)
            siftUp(entries.count - 1)
        } else {
            let old = entries[index].key
            entries[index].key = key
            if key < old { siftUp(index) } else { siftDown(index) }
        }
    }

    /// Removes `slot` if it is in the heap. O(log m).
    mutating func remove(_ slot: Int) {
        let index = Int(position[slot])
        guard index >= 0 else { return }
        position[slot] = -1
        let last = entries.removeLast()
        guard index < entries.count else { return }
        entries[index] = last
        position[Int(last.slot)] = Int32(index)
        if index > 0 && Self.precedes(last, entries[(index - 1) / 2]) { siftUp(index) } else { siftDown(index) }
    }

    /// Visits entries in heap order (each before its descendants), skipping the descendants of
    /// every entry for which `descend` returns false. An entry's descendants have keys ≥ its
    /// own, so a caller that stops at a key bound sees exactly the entries within it, plus
    /// the frontier just beyond. No allocation: the walk follows the implicit tree.
    func visit(_ descend: (Entry) -> Bool) {
        let n = entries.count
        var i = 0
        while i < n {
            if descend(entries[i]) && 2 * i + 1 < n {
                i = 2 * i + 1
                continue
            }
            // Next: the right sibling of the nearest left child on the way up.
            while true {
                if i == 0 { return }
                if i & 1 == 1 && i + 1 < n {
                    i += 1
                    break
                }
                i = (i - 1) / 2
            }
        }
    }

    @inline(__always)
    private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        a.key < b.key || (a.key == b.key && a.slot < b.slot)
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        let moving = entries[i]
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.precedes(moving, entries[parent]) else { break }
            entries[i] = entries[parent]
            position[Int(entries[i].slot)] = Int32(i)
            i = parent
        }
        entries[i] = moving
        position[Int(moving.slot)] = Int32(i)
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let moving = entries[i]
        let n = entries.count
        while true {
            var child = 2 * i + 1
            guard child < n else { break }
            if child + 1 < n && Self.precedes(entries[child + 1], entries[child]) { child += 1 }
            guard Self.precedes(entries[child], moving) else { break }
            entries[i] = entries[child]
            position[Int(entries[i].slot)] = Int32(i)
            i = child
        }
        entries[i] = moving
        position[Int(moving.slot)] = Int32(i)
    }
}
