/// Identifies one scheduled event so that it can be cancelled.
///
/// A handle is a slot in the queue's payload table plus the slot's generation when the
/// event was scheduled; once the event runs or is cancelled the generation moves on, so a
/// stale handle can never cancel a later event that reuses the slot.
public struct EventID: Hashable, Sendable {
    @usableFromInline let slot: UInt32
    @usableFromInline let generation: UInt32

    @inlinable init(slot: UInt32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }
}

/// A pending event as the heap stores it: plain data, 24 bytes, no reference counting.
///
/// Ordered by `time`, then by `sequence`, which the queue assigns in ascending order, so
/// events at the same instant run in the order they were scheduled (FIFO).
@usableFromInline
struct HeapEntry {
    @usableFromInline var time: Double
    @usableFromInline var sequence: UInt64
    @usableFromInline var slot: UInt32
    @usableFromInline var generation: UInt32

    @inlinable init(time: Double, sequence: UInt64, slot: UInt32, generation: UInt32) {
        self.time = time
        self.sequence = sequence
        self.slot = slot
        self.generation = generation
    }

    @inlinable static func precedes(_ a: HeapEntry, _ b: HeapEntry) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }
}

/// A binary min-heap of events ordered by (time, sequence number), with payloads kept in a
/// side table indexed by slot and lazy cancellation through per-slot generation counters.
///
/// Popping does not remove the top entry at once: it marks it consumed, and the next
/// `push` overwrites it and sifts down once ("replace top"), which is the common
/// pop-then-reschedule pattern of a simulation at the cost of one sift instead of two.
///
/// Storage: the heap, the payloads, the generations and the free slots are four
/// allocations the queue owns alone. The queue is noncopyable, so no access needs a
/// copy-on-write check: a run's queue is written several times per event, and those checks
/// were a tenth of the kernel's own instructions. Growth doubles an allocation.
///
/// Complexity: `push` and `pop` are O(log n); `cancel` is O(1) (the entry becomes a
/// tombstone that `pop` skips). In steady state nothing is allocated: slots are recycled.
public struct EventQueue<Payload>: ~Copyable {
    /// The heap, `entries[0..<entryCount]`.
    @usableFromInline var entries: UnsafeMutablePointer<HeapEntry>
    @usableFromInline var entryCount = 0
    @usableFromInline var entryCapacity: Int
    /// Per slot `0..<slotCount`, the payload last scheduled in it (initialised) and its
    /// generation.
    @usableFromInline var payloads: UnsafeMutablePointer<Payload>
    @usableFromInline var generations: UnsafeMutablePointer<UInt32>
    @usableFromInline var slotCount = 0
    @usableFromInline var slotCapacity: Int
    /// Slots free for reuse, a stack in `freeSlots[0..<freeCount]`, grown as needed (a run
    /// that never frees many slots at once never allocates for as many).
    @usableFromInline var freeSlots: UnsafeMutablePointer<UInt32>
    @usableFromInline var freeCount = 0
    @usableFromInline var freeCapacity = 16
    /// The slot freed by the last `pop`, kept out of `freeSlots` (or `UInt32.max`): the next
    /// `push` takes it without touching the free list, the usual pop-then-schedule pattern.
    @usableFromInline var recycled = UInt32.max
    @usableFromInline var nextSequence: UInt64 = 0
    /// True when `entries[0]` has been handed out by `pop` and awaits removal.
    @usableFromInline var topConsumed = false
    @usableFromInline var liveCount = 0

    public init(reservingCapacity capacity: Int = 0) {
        let capacity = Swift.max(capacity, 16)
        entryCapacity = capacity
        slotCapacity = capacity
        entries = .allocate(capacity: capacity)
        payloads = .allocate(capacity: capacity)
        generations = .allocate(capacity: capacity)
        freeSlots = .allocate(capacity: freeCapacity)
    }

    deinit {
        entries.deallocate()
        payloads.deinitialize(count: slotCount)
        payloads.deallocate()
        generations.deallocate()
        freeSlots.deallocate()
    }

    /// Number of events scheduled and neither run nor cancelled. O(1).
    @inlinable public var count: Int { liveCount }

    @inlinable public var isEmpty: Bool { liveCount == 0 }

    /// Schedules `payload` at `time`. Events at equal times run in scheduling order. O(log n).
    @inlinable @discardableResult
    public mutating func push(_ payload: Payload, at time: Double) -> EventID {
        let slot: UInt32
        if recycled != .max {
            slot = recycled
            recycled = .max
            payloads[Int(slot)] = payload
        } else if freeCount > 0 {
            freeCount &-= 1
            slot = freeSlots[freeCount]
            payloads[Int(slot)] = payload
        } else {
            if slotCount == slotCapacity { growSlots() }
            slot = UInt32(truncatingIfNeeded: slotCount)
            (payloads + slotCount).initialize(to: payload)
            generations[slotCount] = 0
            slotCount &+= 1
        }
        let generation = generations[Int(slot)]
        let entry = HeapEntry(time: time, sequence: nextSequence, slot: slot, generation: generation)
        nextSequence &+= 1
        liveCount &+= 1
        if topConsumed {
            topConsumed = false
            Self.replaceTop(entry, in: UnsafeMutableBufferPointer(start: entries, count: entryCount))
        } else {
            if entryCount == entryCapacity { growEntries() }
            entries[entryCount] = entry
            entryCount &+= 1
            Self.siftUp(from: entryCount &- 1, in: UnsafeMutableBufferPointer(start: entries, count: entryCount))
        }
        return EventID(slot: slot, generation: generation)
    }

    /// The first `count` values of `storage` moved to a new allocation of `capacity` values;
    /// `storage` is freed. How each of the queue's allocations grows.
    @usableFromInline static func moved<Value>(_ storage: UnsafeMutablePointer<Value>, count: Int,
                                               to capacity: Int) -> UnsafeMutablePointer<Value> {
        let moved = UnsafeMutablePointer<Value>.allocate(capacity: capacity)
        moved.moveInitialize(from: storage, count: count)
        storage.deallocate()
        return moved
    }

    /// Doubles the slots' storage (payloads, generations). Amortised O(1).
    @usableFromInline mutating func growSlots() {
        slotCapacity *= 2
        payloads = Self.moved(payloads, count: slotCount, to: slotCapacity)
        generations = Self.moved(generations, count: slotCount, to: slotCapacity)
    }

    /// Puts `slot` on the free stack, doubling it when full. Amortised O(1).
    @inlinable mutating func free(_ slot: UInt32) {
        if freeCount == freeCapacity { growFree() }
        freeSlots[freeCount] = slot
        freeCount &+= 1
    }

    @usableFromInline mutating func growFree() {
        freeCapacity *= 2
        freeSlots = Self.moved(freeSlots, count: freeCount, to: freeCapacity)
    }

    /// Doubles the heap's storage. Amortised O(1).
    @usableFromInline mutating func growEntries() {
        entryCapacity *= 2
        entries = Self.moved(entries, count: entryCount, to: entryCapacity)
    }

    /// Cancels a pending event; a handle that has already run or been cancelled is ignored.
    /// Returns whether an event was cancelled. O(1).
    @inlinable @discardableResult
    public mutating func cancel(_ id: EventID) -> Bool {
        let slot = Int(id.slot)
        guard slot < slotCount, generations[slot] == id.generation else { return false }
        generations[slot] &+= 1
        free(id.slot)
        liveCount &-= 1
        return true
    }

    /// The time of the earliest live event, skipping (and discarding) cancelled entries.
    @inlinable public mutating func nextTime() -> Double? {
        discardStaleTop()
        return entryCount == 0 ? nil : entries[0].time
    }

    /// Removes and returns the earliest live event. O(log n) amortised.
    @inlinable public mutating func pop() -> (time: Double, payload: Payload)? {
        discardStaleTop()
        return entryCount == 0 ? nil : popLiveTop()
    }

    /// Removes and returns the top, which `nextTime()` or `pop()` has just found live (so the
    /// stale entries are already discarded), without looking for them again. The run loop's
    /// pop, once per event.
    @inlinable mutating func popLiveTop() -> (time: Double, payload: Payload) {
        assert(!topConsumed && entryCount > 0 && generations[Int(entries[0].slot)] == entries[0].generation)
        let top = entries[0]
        let slot = Int(top.slot)
        generations[slot] &+= 1
        if recycled != .max { free(recycled) }
        recycled = top.slot
        liveCount &-= 1
        topConsumed = true
        return (top.time, payloads[slot])
    }

    /// Drops a consumed top and any cancelled entries until the top is live.
    @inlinable mutating func discardStaleTop() {
        if topConsumed {
            topConsumed = false
            removeTop()
        }
        while entryCount > 0, generations[Int(entries[0].slot)] != entries[0].generation {
            removeTop()
        }
    }

    @inlinable mutating func removeTop() {
        entryCount &-= 1
        if entryCount > 0 {
            Self.replaceTop(entries[entryCount], in: UnsafeMutableBufferPointer(start: entries, count: entryCount))
        }
    }

    @inlinable static func siftUp(from start: Int, in heap: UnsafeMutableBufferPointer<HeapEntry>) {
        var child = start
        let moving = heap[child]
        while child > 0 {
            let parent = (child - 1) >> 1
            guard HeapEntry.precedes(moving, heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = moving
    }

    /// Puts `entry` at the root and sifts it down (hole technique: one write per level).
    @inlinable static func replaceTop(_ entry: HeapEntry, in heap: UnsafeMutableBufferPointer<HeapEntry>) {
        let count = heap.count
        var hole = 0
        while true {
            let left = 2 &* hole &+ 1
            if left >= count { break }
            let right = left &+ 1
            var smallest = left
            if right < count && HeapEntry.precedes(heap[right], heap[left]) { smallest = right }
            guard HeapEntry.precedes(heap[smallest], entry) else { break }
            heap[hole] = heap[smallest]
            hole = smallest
        }
        heap[hole] = entry
    }
}
