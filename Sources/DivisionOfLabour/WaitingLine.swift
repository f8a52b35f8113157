/// Steps waiting on a strategy's board, in the order they were posted: entries are appended
/// at the back and read from a head index, so taking the oldest costs O(1) amortised and
/// nothing is ever removed from the middle (no `remove(at:)`).
///
/// An entry can stop counting while it waits: its job was abandoned, or the step was taken
/// through another line it was also posted in. Such entries are skipped when they reach the
/// head and dropped in bulk when they pile up (`append` compacts the line when it has
/// doubled since the last compaction), both amortised O(1) per entry, so a line's memory
/// stays proportional to the steps actually waiting in it.
///
/// The entries live in one allocation written in place, with no copy-on-write check
/// (`Allocation`, replaced by one twice as large when full): copies of a line share it, so
/// each line is made on its own (never `Array(repeating:count:)`) and owned by one run.
struct WaitingLine {
    /// A posted step and its ticket: the board's posting number, ascending in posting order,
    /// so comparing tickets across lines tells which step has waited longest.
    struct Entry {
        var step: Int32
        var ticket: Int
    }

    /// The allocation of no entries every line starts with (never written: a line grows
    /// before its first write), so an empty line allocates nothing. Never written, so shared
    /// by every thread's lines.
    nonisolated(unsafe) private static let none = Allocation<Entry>(count: 0, filler: Entry(step: -1, ticket: -1))
    private var storage = WaitingLine.none
    /// `storage.base`; the entries are `entries[head..<count]`.
    private var entries: UnsafeMutablePointer<Entry>
    private var count = 0
    private var head = 0
    /// `append` compacts when the line reaches this length.
    private var compactionLength = 1024

    init() { entries = storage.base }

    /// Adds `entry` at the back; `isValid` tells which entries still count, should the line
    /// need compacting. Amortised O(1).
    mutating func append(_ entry: Entry, isValid: (Entry) -> Bool) {
        if count == storage.count { grow() }
        entries[count] = entry
        count += 1
        guard count - head >= compactionLength else { return }
        var kept = 0
        for i in head..<count where isValid(entries[i]) {
            entries[kept] = entries[i]
            kept += 1
        }
        count = kept
        head = 0
        compactionLength = max(1024, 2 * kept)
    }

    /// Moves the entries to an allocation twice as large.
    private mutating func grow() {
        let moved = Allocation<Entry>(count: max(16, 2 * storage.count), filler: Entry(step: -1, ticket: -1))
        moved.base.update(from: entries, count: count)
        storage = moved
        entries = moved.base
    }

    /// The oldest entry for which `isValid` holds, dropping the entries before it.
    /// Amortised O(1).
    mutating func first(where isValid: (Entry) -> Bool) -> Entry? {
        while head < count {
            if isValid(entries[head]) { return entries[head] }
            head += 1
        }
        count = 0
        head = 0
        return nil
    }

    /// Whether the line holds no entry at all, valid or not (then `first(where:)` is nil and
    /// changes nothing). O(1), without a mutating access.
    var isEmpty: Bool { head == count }

    /// Removes the entry `first(where:)` returned. Amortised O(1).
    mutating func removeFirst() {
        precondition(head < count, "removeFirst on an empty line")
        head += 1
        if head == count {
            count = 0
            head = 0
        } else if head >= 1024 && 2 * head >= count {
            for i in head..<count { entries[i - head] = entries[i] }   // forward: safe as they overlap
            count -= head
            head = 0
        }
    }
}
