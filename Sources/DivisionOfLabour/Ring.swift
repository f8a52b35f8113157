/// Storage for a run's per-job, per-step and per-agent values: one allocation each, read and
/// written in place through addresses, with no copy-on-write check per access. Each type is
/// a struct over an allocation its owner holds, so copies share the values: one run owns its
/// storage and nothing keeps a copy to read after the run has changed it (the policies read
/// the team they start from, a rule's view lives for one call). Every index is checked or
/// masked into its allocation, so no access can leave it.
///
/// - `Ring`: values of consecutive ids in a window `lo..<hi`, at slot `id & (capacity − 1)`.
/// - `Pool`: values in slots `0..<capacity` that a `SlotList` hands out and takes back.
/// - `Table`: a fixed number of values `0..<count` (the agents).
/// - `IdColumn`: a pool's values seen by id, through a ring of slots.

/// An allocation of `count` values, freed with the last storage that refers to it.
final class Allocation<Element> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    /// `count` values, each `filler`.
    init(count: Int, filler: Element) {
        base = .allocate(capacity: Swift.max(count, 1))
        base.initialize(repeating: filler, count: count)
        self.count = count
    }

    /// The values of `elements`, in order.
    init<Source: Collection>(_ elements: Source) where Source.Element == Element {
        count = elements.count
        base = .allocate(capacity: Swift.max(count, 1))
        _ = UnsafeMutableBufferPointer(start: base, count: count).initialize(from: elements)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// One column of a ring buffer over ids that only grow: the value of id `i` is kept at slot
/// `i & (capacity − 1)`, so a window of consecutive ids `lo..<hi` with `hi − lo ≤ capacity`
/// occupies distinct slots. Ids below the window are forgotten: their slots hold newer ids'
/// values. The owner keeps the window: it never reads an id outside it, and calls `resize`
/// (the capacity a power of two, at least the window's length) before the window outgrows
/// the ring. Access O(1), a mask more than an array's; `resize` O(window), so doubling keeps
/// it amortised O(1) per id. Memory: `capacity` values (while resizing, the old ones too).
struct Ring<Element> {
    private var storage: Allocation<Element>
    /// `storage.base`, kept here so that an access reads no class field.
    private var base: UnsafeMutablePointer<Element>
    private var mask: Int
    /// The value fresh slots hold.
    private let filler: Element

    /// A ring of `capacity` ids (a power of two), every slot `filler`.
    init(capacity: Int, filler: Element) {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "ring capacity \(capacity) is not a power of two")
        self.filler = filler
        mask = capacity - 1
        storage = Allocation(count: capacity, filler: filler)
        base = storage.base
    }

    /// Ids the ring can hold at once.
    var capacity: Int { mask + 1 }

    /// The value of `id`, read and written in place.
    @inline(__always)
    subscript(id: Int) -> Element {
        unsafeAddress { UnsafePointer(base + (id & mask)) }
        unsafeMutableAddress { base + (id & mask) }
    }

    /// The slot of `id` and the allocation, for a view (`IdColumn`).
    @inline(__always)
    var address: (base: UnsafeMutablePointer<Element>, mask: Int) { (base, mask) }

    /// Moves to `capacity` slots (a power of two ≥ `live.count`), keeping the values of the
    /// ids in `live`. O(capacity).
    mutating func resize(to capacity: Int, keeping live: Range<Int>) {
        precondition(capacity & (capacity - 1) == 0 && capacity >= live.count)
        let moved = Allocation(count: capacity, filler: filler)
        let newMask = capacity - 1
        for id in live { moved.base[id & newMask] = base[id & mask] }
        storage = moved
        base = moved.base
        mask = newMask
    }
}

/// Values in slots `0..<capacity`, `stride` per slot (value k of slot s at `s · stride + k`);
/// a `SlotList` says which slots are in use. Access O(1), the slot checked; `grow` O(capacity).
struct Pool<Element> {
    private var storage: Allocation<Element>
    private var base: UnsafeMutablePointer<Element>
    /// Slots.
    private(set) var capacity: Int
    /// Values per slot.
    let stride: Int
    private let filler: Element

    init(capacity: Int, stride: Int = 1, filler: Element) {
        self.capacity = capacity
        self.stride = stride
        self.filler = filler
        storage = Allocation(count: capacity * stride, filler: filler)
        base = storage.base
    }

    /// The (first) value of `slot`, read and written in place. (A pool of stride 0 holds no
    /// values; its allocation has one, which every slot then reads: still inside it.)
    @inline(__always)
    subscript(slot: Int) -> Element {
        unsafeAddress {
            precondition(UInt(bitPattern: slot) < UInt(bitPattern: capacity), "slot \(slot) out of range")
            return UnsafePointer(base + slot &* stride)
        }
        unsafeMutableAddress {
            precondition(UInt(bitPattern: slot) < UInt(bitPattern: capacity), "slot \(slot) out of range")
            return base + slot &* stride
        }
    }

    /// Value `k` of `slot`, read and written in place.
    @inline(__always)
    subscript(slot: Int, k: Int) -> Element {
        unsafeAddress {
            precondition(UInt(bitPattern: slot) < UInt(bitPattern: capacity) && UInt(bitPattern: k) < UInt(bitPattern: stride),
                         "slot \(slot), value \(k) out of range")
            return UnsafePointer(base + (slot &* stride &+ k))
        }
        unsafeMutableAddress {
            precondition(UInt(bitPattern: slot) < UInt(bitPattern: capacity) && UInt(bitPattern: k) < UInt(bitPattern: stride),
                         "slot \(slot), value \(k) out of range")
            return base + (slot &* stride &+ k)
        }
    }

    /// The allocation, for a view (`IdColumn`).
    @inline(__always)
    var address: UnsafeMutablePointer<Element> { base }

    /// Moves to `capacity` slots (≥ the current), keeping every value. O(capacity · stride).
    mutating func grow(to capacity: Int) {
        precondition(capacity >= self.capacity)
        let moved = Allocation(count: capacity * stride, filler: filler)
        moved.base.update(from: base, count: self.capacity * stride)
        storage = moved
        base = moved.base
        self.capacity = capacity
    }
}

/// Which slots of a family of pools are in use: freed slots are handed out again first
/// (last freed, first reused), then fresh ones; when none is left the caller grows its pools
/// (`needsGrowth`, then `grow`). O(1) per operation, in place; memory: 4 bytes per slot for
/// the stack of free ones.
struct SlotList {
    private(set) var capacity: Int
    /// Slots handed out at least once: `0..<used`.
    private(set) var used = 0
    /// The free slots, a stack in `free[0..<freeCount]`.
    private var free: Pool<Int32>
    private var freeCount = 0

    init(capacity: Int) {
        self.capacity = capacity
        free = Pool(capacity: capacity, filler: -1)
    }

    /// Slots in use now.
    var inUse: Int { used - freeCount }

    /// Whether `take` has no slot to hand out without growing.
    var needsGrowth: Bool { freeCount == 0 && used == capacity }

    mutating func grow(to capacity: Int) {
        precondition(capacity >= self.capacity)
        self.capacity = capacity
        free.grow(to: capacity)
    }

    /// A slot no one uses. The caller has grown the pools if `needsGrowth`.
    @inline(__always)
    mutating func take() -> Int {
        if freeCount > 0 {
            freeCount -= 1
            return Int(free[freeCount])
        }
        precondition(used < capacity, "no free slot: grow the pools first")
        used += 1
        return used - 1
    }

    /// Gives `slot` back.
    @inline(__always)
    mutating func give(_ slot: Int) {
        free[freeCount] = Int32(slot)
        freeCount += 1
    }
}

/// A pool's values seen by id: the ring `slots` maps each id of the window to its slot in
/// the pool (-1 once released), so `column[id]` is `pool[slots[id]]` (value k of it:
/// `column[id, k]`), in place. A view is made for one access (it holds the storage's
/// addresses, which a resize moves): `LiveWorkload` and `TeamState` hand out a fresh one from
/// a computed property. An id whose values were released traps (precondition): nothing may
/// read them.
struct IdColumn<Element> {
    let slots: UnsafeMutablePointer<Int32>
    let mask: Int
    let values: UnsafeMutablePointer<Element>
    let stride: Int

    @inline(__always)
    init(_ slots: Ring<Int32>, _ pool: Pool<Element>) {
        (self.slots, mask) = slots.address
        values = pool.address
        stride = pool.stride
    }

    /// The slot of `id`, checked to hold its values.
    @inline(__always)
    func slot(_ id: Int) -> Int {
        let slot = Int(slots[id & mask])
        precondition(slot >= 0, "the values of id \(id) were released")
        return slot
    }

    @inline(__always)
    subscript(id: Int) -> Element {
        unsafeAddress { UnsafePointer(values + slot(id) &* stride) }
        nonmutating unsafeMutableAddress { values + slot(id) &* stride }
    }

    @inline(__always)
    subscript(id: Int, k: Int) -> Element {
        unsafeAddress {
            precondition(UInt(bitPattern: k) < UInt(bitPattern: stride))
            return UnsafePointer(values + (slot(id) &* stride &+ k))
        }
        nonmutating unsafeMutableAddress {
            precondition(UInt(bitPattern: k) < UInt(bitPattern: stride))
            return values + (slot(id) &* stride &+ k)
        }
    }
}

/// A fixed number of values indexed `0..<count`, read and written in place (the run's
/// per-agent state, which every event reads and writes). Indices are checked.
struct Table<Element>: RandomAccessCollection {
    private let storage: Allocation<Element>
    private let base: UnsafeMutablePointer<Element>
    let count: Int

    /// A table of `elements`, in order.
    init<Source: Collection>(_ elements: Source) where Source.Element == Element {
        storage = Allocation(elements)
        base = storage.base
        count = storage.count
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(index >= 0 && index < count, "index \(index) out of 0..<\(count)")
            return UnsafePointer(base + index)
        }
        unsafeMutableAddress {
            precondition(index >= 0 && index < count, "index \(index) out of 0..<\(count)")
            return base + index
        }
    }
}
