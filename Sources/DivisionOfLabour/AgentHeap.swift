/// A binary min-heap over a fixed group of agents, ordered by (key, slot), from which any
/// member can be removed or re-keyed.
///
/// A group's agents are numbered by *slot*, `0..<slots`, in ascending agent id (see
/// `WorkerGroups`), so among equal keys the heap's first entry is the agent with the lowest
/// id: the tie rule of every built-in strategy's scan ("the first in id order with the
/// smallest value"). Keys must not be NaN.
///
/// Complexity: `first`, `contains` O(1); `insert`, `remove`, `update` O(log m) for a heap
/// of m entries; `visit` O(entries visited). Storage: one allocation of a 16-byte cell per
/// slot, holding heap entry number i and slot i's position, allocated once and written in
/// place with no copy-on-write check (`Allocation`): copies of a heap share its cells, so
/// each heap is made on its own (never `Array(repeating:count:)`) and owned by one run.
struct AgentHeap {
    /// A member and its key.
    struct Entry {
        var key: Double
        var slot: Int32
    }

    /// Cell i: the heap's i-th entry (`key`, `slot`; for i < count) and the index of slot i's
    /// entry (`position`, -1 when slot i is not in the heap), packed in 16 bytes.
    private struct Cell {
        var key: Double
        var slot: Int32
        var position: Int32

        var entry: Entry {
            get { Entry(key: key, slot: slot) }
            set {
                key = newValue.key
                slot = newValue.slot
            }
        }
    }

    private let storage: Allocation<Cell>
    /// The cells, `storage.base` seen as a buffer of `slots` cells. The slots callers pass are
    /// checked (`checked`); the heap's own indices stay below `count` by construction.
    private let cells: UnsafeMutableBufferPointer<Cell>
    private(set) var count = 0

    /// An empty heap for a group of `slots` agents.
    init(slots: Int) {
        storage = Allocation(count: slots, filler: Cell(key: 0, slot: -1, position: -1))
        cells = UnsafeMutableBufferPointer(start: storage.base, count: slots)
    }

    var isEmpty: Bool { count == 0 }

    /// The entry with the smallest key, the lowest slot among equal keys. O(1).
    var first: Entry? { count > 0 ? cells[0].entry : nil }

    /// Whether `slot` is in the heap. O(1).
    func contains(_ slot: Int) -> Bool { cells[checked(slot)].position >= 0 }

    @inline(__always)
    private func checked(_ slot: Int) -> Int {
        precondition(UInt(bitPattern: slot) < UInt(bitPattern: cells.count), "slot \(slot) out of 0..<\(cells.count)")
        return slot
    }

    /// Inserts `slot` with `key`, or changes its key if it is already in. O(log m).
    mutating func update(_ slot: Int, key: Double) {
        let index = Int(cells[checked(slot)].position)
        if index < 0 {
            let last = count
            count += 1
            cells[last].entry = Entry(key: key, slot: Int32(slot))
            cells[slot].position = Int32(last)
            Self.siftUp(last, cells)
        } else {
            let old = cells[index].key
            cells[index].key = key
            if key < old { Self.siftUp(index, cells) } else { Self.siftDown(index, count, cells) }
        }
    }

    /// Removes `slot` if it is in the heap. O(log m).
    mutating func remove(_ slot: Int) {
        let index = Int(cells[checked(slot)].position)
        guard index >= 0 else { return }
        count -= 1
        let n = count
        cells[slot].position = -1
        let last = cells[n].entry
        guard index < n else { return }
        cells[index].entry = last
        cells[Int(last.slot)].position = Int32(index)
        if index > 0 && Self.precedes(last, cells[(index - 1) / 2].entry) {
            Self.siftUp(index, cells)
        } else {
            Self.siftDown(index, n, cells)
        }
    }

    /// Visits entries in heap order (each before its descendants), skipping the descendants of
    /// every entry for which `descend` returns false. An entry's descendants have keys ≥ its
    /// own, so a caller that stops at a key bound sees exactly the entries within it, plus
    /// the frontier just beyond. No allocation: the walk follows the implicit tree.
    func visit(_ descend: (Entry) -> Bool) {
        let n = count
        var i = 0
        while i < n {
            if descend(cells[i].entry) && 2 * i + 1 < n {
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

    private static func siftUp(_ start: Int, _ cells: UnsafeMutableBufferPointer<Cell>) {
        var i = start
        let moving = cells[i].entry
        while i > 0 {
            let parent = (i - 1) / 2
            guard precedes(moving, cells[parent].entry) else { break }
            cells[i].entry = cells[parent].entry
            cells[Int(cells[i].entry.slot)].position = Int32(i)
            i = parent
        }
        cells[i].entry = moving
        cells[Int(moving.slot)].position = Int32(i)
    }

    private static func siftDown(_ start: Int, _ n: Int, _ cells: UnsafeMutableBufferPointer<Cell>) {
        var i = start
        let moving = cells[i].entry
        while true {
            var child = 2 * i + 1
            guard child < n else { break }
            if child + 1 < n && precedes(cells[child + 1].entry, cells[child].entry) { child += 1 }
            guard precedes(cells[child].entry, moving) else { break }
            cells[i].entry = cells[child].entry
            cells[Int(cells[i].entry.slot)].position = Int32(i)
            i = child
        }
        cells[i].entry = moving
        cells[Int(moving.slot)].position = Int32(i)
    }
}
