/// Steps waiting on a strategy's board, in the order they were posted: entries are appended
/// at the back and read from a head index, so taking the oldest costs O(1) amortised and
/// nothing is ever removed from the middle (no `remove(at:)`).
///
/// An entry can stop counting while it waits: its job was abandoned, or the step was taken
/// through another line it was also posted in. Such entries are skipped when they reach the
/// head and dropped in bulk when they pile up (`append` compacts the line when it has
/// doubled since the last compaction), both amortised O(1) per entry, so a line's memory
/// stays proportional to the steps actually waiting in it.
struct WaitingLine {
    /// A posted step and its ticket: the board's posting number, ascending in posting order,
    /// so comparing tickets across lines tells which step has waited longest.
    struct Entry {
        var step: Int32
        var ticket: Int
    }

    private var entries: ContiguousArray<Entry> = []
    private var head = 0
    /// `append` compacts when the line reaches this length.
    private var compactionLength = 1024

    /// Adds `entry` at the back; `isValid` tells which entries still count, should the line
    /// need compacting. Amortised O(1).
    mutating func append(_ entry: Entry, isValid: (Entry) -> Bool) {
        entries.append(entry)
        guard entries.count - head >= compactionLength else { return }
        var kept = 0
        for i in head..<entries.count where isValid(entries[i]) {
            entries[kept] = entries[i]
            kept += 1
        }
        entries.removeLast(entries.count - kept)
        head = 0
        compactionLength = max(1024, 2 * kept)
    }

    /// The oldest entry for which `isValid` holds, dropping the entries before it.
    /// Amortised O(1).
    mutating func first(where isValid: (Entry) -> Bool) -> Entry? {
        while head < entries.count {
            if isValid(entries[head]) { return entries[head] }
            head += 1
        }
        if head > 0 {
            entries.removeAll(keepingCapacity: true)
            head = 0
        }
        return nil
    }

    /// Whether the line holds no entry at all, valid or not (then `first(where:)` is nil and
    /// changes nothing). O(1), without a mutating access.
    var isEmpty: Bool { head == entries.count }

    /// Removes the entry `first(where:)` returned. Amortised O(1).
    mutating func removeFirst() {
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && 2 * head >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
