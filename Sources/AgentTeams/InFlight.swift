// The bounded structures behind `TeamEngine`: what a run keeps of its task instances while
// they are in flight, and the totals they are folded into when they are over.
//
// A task instance is *in flight* from its arrival until it is *retired*: its answer is final
// and none of its requests has a call left (an answer that comes too late is still paid, and
// a failed call of a request the task no longer waits for is still retried). While in flight
// it holds a slot (`TeamEngine.slots`, recycled through a free list); its requests hold
// request slots (recycled likewise). When it retires, what the metrics sum in instance order
// moves to an `InstanceWindow` entry and its counts are folded into `RunTotals` at once; the
// window's oldest entries are folded in instance order as soon as every instance before them
// is over, so the run's sums take their terms in the order the whole-run arrays took them
// and the results are bit for bit those of keeping every instance to the end.

/// A first-in first-out queue of request ids (the calls waiting for one member), in a ring that
/// grows by doubling. Memory: the longest the queue has been (rounded up to a power of two);
/// O(1) per operation, amortised over the doublings; no allocation once at its largest.
struct RequestQueue {
    private var ring: [Int32] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ request: Int32) {
        if count == ring.count { grow() }
        ring[(head + count) & (ring.count - 1)] = request
        count += 1
    }

    mutating func removeFirst() -> Int32 {
        precondition(count > 0, "removeFirst from an empty queue")
        let request = ring[head]
        head = (head + 1) & (ring.count - 1)
        count -= 1
        return request
    }

    private mutating func grow() {
        var grown = [Int32](repeating: -1, count: max(8, ring.count * 2))
        for k in 0..<count { grown[k] = ring[(head + k) & (ring.count - 1)] }
        ring = grown
        head = 0
    }
}

/// The task instances from the oldest one not yet folded into the run's totals (`first`) to the
/// latest one arrived (`end − 1`), in blocks of `blockSize` entries: instance i lives in block
/// i / blockSize at i mod blockSize. A block is taken when the window reaches it (from a few
/// spares, else allocated) and given back when the window has left it, so the window never moves
/// its entries and holds only the blocks it spans.
///
/// Invariant: instances `first..<end` are exactly the arrived instances not yet folded; each is
/// in flight (`slot ≥ 0`) or retired with its figures in its entry (`slot == −1`); `first`'s
/// entry is in flight (else it would have been folded) unless the window is empty.
/// Memory: 24 bytes × (`end − first` + 2 blocks), plus up to `maximumSpares` blocks: the
/// instances that arrived while the oldest unfinished one was in flight. O(1) per operation
/// (amortised: a block's list shifts once per half of its length).
struct InstanceWindow {
    /// What the run's sums take from a retired instance, in instance order (its latency and
    /// critical path wait in `RunTotals`).
    struct Entry {
        var cost = 0.0
        var tokens = 0.0
        /// The instance's slot while it is in flight; −1 once it has retired.
        var slot: Int32 = -1
        var done = false
        var success = false
    }

    static let blockShift = 9
    static let blockSize = 1 << blockShift
    /// Emptied blocks kept for reuse (beyond them, emptied blocks are freed).
    static let maximumSpares = 4

    /// `blocks[head...]` hold instances from block number `firstBlock` on.
    private var blocks: [[Entry]] = []
    private var head = 0
    private var firstBlock = 0
    private var spares: [[Entry]] = []
    /// The oldest instance not folded yet.
    private(set) var first = 0
    /// Instances arrived so far.
    private(set) var end = 0

    var isEmpty: Bool { first == end }
    /// Entries held in blocks, spares included: the memory the window holds.
    var reserved: Int { (blocks.count - head + spares.count) * Self.blockSize }

    subscript(instance: Int) -> Entry {
        get { blocks[head + (instance >> Self.blockShift) - firstBlock][instance & (Self.blockSize - 1)] }
        set { blocks[head + (instance >> Self.blockShift) - firstBlock][instance & (Self.blockSize - 1)] = newValue }
    }

    /// Instance `end` arrives, in flight in `slot`.
    mutating func admit(slot: Int) {
        if end & (Self.blockSize - 1) == 0 {
            if head == blocks.count { firstBlock = end >> Self.blockShift }
            blocks.append(spares.popLast() ?? Array(repeating: Entry(), count: Self.blockSize))
        }
        end += 1
        self[end - 1] = Entry(slot: Int32(slot))
    }

    /// Removes the oldest instance (`first`) and returns its entry.
    mutating func removeFirst() -> Entry {
        precondition(first < end, "removeFirst from an empty window")
        let entry = self[first]
        first += 1
        if first & (Self.blockSize - 1) == 0 {
            // The window has left its first block.
            let block = blocks[head]
            blocks[head] = []
            if spares.count < Self.maximumSpares { spares.append(block) }
            head += 1
            firstBlock += 1
            if head * 2 >= blocks.count {
                blocks.removeFirst(head)
                head = 0
            }
        }
        return entry
    }
}

/// A run's totals over its task instances, folded in as instances retire: the metrics'
/// figures (`AgentTeamOutcome`) and the per-node and per-edge counts of the detail tables.
///
/// Counts (calls, visits, edges taken…) and the latest answer's time do not depend on order
/// and are folded when an instance retires (`absorb`); the sums of floating-point figures and
/// the latencies are folded in instance order (`fold`), instance `k` after instance `k − 1`,
/// as `reduce` over the whole run's array of instances took them.
///
/// `latencies` and `criticalPaths` hold one entry per arrived instance (`admit`): the first
/// `answered` are the folded answered instances' figures, in instance order; an entry of the
/// window holds its instance's own figure once it has retired (`record`), until the fold moves
/// it down to `answered` (a stable compaction in place, as `filter(\.done)` took them). After
/// `finish` only the `answered` remain. Both are reserved for every instance at the start so
/// that they never move (pages of entries not written yet are never touched).
/// Memory: O(nodes + edges), and 16 bytes per arrived instance (the p95 needs every latency;
/// the mean of either is `Sample.mean`'s, whose rounding depends on the order of its terms).
struct RunTotals {
    /// Instances folded in order (`fold`) so far, and the answered ones among them.
    var folded = 0
    var answered = 0
    var successes = 0
    var cost = 0.0
    var tokens = 0.0
    /// Of the answered instances, in instance order (see above for their layout during a run).
    var latencies: [Double] = []
    var criticalPaths: [Double] = []
    /// The latest final answer's time; nil while there is none.
    var lastAnswer: Double?
    var calls = 0
    var escalations = 0
    var timeouts = 0
    var retries = 0
    /// Tasks whose every trial succeeded, and whether the trials folded so far of the task
    /// being folded all did.
    var passed = 0
    var trialsRight = true
    /// Per node: instances that visited it, and visits; per edge: instances that took it, and
    /// times taken.
    var reached: [Int]
    var visits: [Int]
    var tookEdge: [Int]
    var taken: [Int]

    init(graph: CompiledGraph, instances: Int) {
        reached = Array(repeating: 0, count: graph.nodeCount)
        visits = Array(repeating: 0, count: graph.nodeCount)
        tookEdge = Array(repeating: 0, count: graph.edges.count)
        taken = Array(repeating: 0, count: graph.edges.count)
        latencies.reserveCapacity(instances)
        criticalPaths.reserveCapacity(instances)
    }

    /// The next instance arrives: an entry for its latency and critical path.
    mutating func admit() {
        latencies.append(0)
        criticalPaths.append(0)
    }

    /// Instance `i` has its final answer: its latency (arrival to final answer) and critical path.
    mutating func record(_ i: Int, latency: Double, criticalPath: Double) {
        latencies[i] = latency
        criticalPaths[i] = criticalPath
    }

    /// Adds an instance's counts, its graph counters at `counters[base..<base + counterCount]`
    /// and its answer's time: O(nodes + edges).
    mutating func absorb(_ task: TeamEngine.TaskState, counters: [Int32], base: Int, graph: CompiledGraph) {
        calls += Int(task.calls)
        escalations += Int(task.escalations)
        timeouts += Int(task.timeouts)
        retries += Int(task.retries)
        if task.done { lastAnswer = max(lastAnswer ?? task.finish, task.finish) }
        for n in 0..<graph.nodeCount {
            let count = Int(counters[base + graph.visitCounter(n)])
            visits[n] += count
            if count > 0 { reached[n] += 1 }
        }
        for e in 0..<graph.edges.count {
            let count = Int(counters[base + graph.edgeCounter(e)])
            taken[e] += count
            if count > 0 { tookEdge[e] += 1 }
        }
    }

    /// Adds the next instance in instance order (instance `folded`), one of `trials` trials of
    /// a task; when it was answered, its latency and critical path (`record`) join the answered.
    mutating func fold(_ entry: InstanceWindow.Entry, trials: Int) {
        cost += entry.cost
        tokens += entry.tokens
        if entry.done {
            latencies[answered] = latencies[folded]
            criticalPaths[answered] = criticalPaths[folded]
            answered += 1
        }
        if entry.success { successes += 1 }
        if folded % trials == 0 { trialsRight = true }
        trialsRight = trialsRight && entry.success
        if folded % trials == trials - 1 && trialsRight { passed += 1 }
        folded += 1
    }

    /// Drops the entries of instances not answered: only the answered remain, in instance order.
    mutating func finish() {
        latencies.removeLast(latencies.count - answered)
        criticalPaths.removeLast(criticalPaths.count - answered)
    }
}
