/// An orchestration flattened for the engine: plain arrays of trivial values indexed by node,
/// edge, test and member, so walking a task through the graph copies no reference and
/// allocates nothing. Made once per run.
///
/// Each task has `counterCount` small counters: a visit count for every verify and decompose
/// node (which key their draws), the state of every kept part (0 none yet, 1 right, 2 wrong),
/// and the times every bounded edge was taken.
struct CompiledGraph {
    enum Step {
        case call(member: Int32, scale: Double, keep: Int32)
        /// `members[first..<first + size]`; `count` requests; `judge` −1 for a vote.
        case parallel(first: Int32, size: Int32, count: Int32, judge: Int32, influence: Double)
        case review(member: Int32)
        case decompose(lead: Int32, first: Int32, size: Int32, parts: Int32, error: Double, scale: Double,
                       rank: Int32, visits: Int32, keep: Int32)
        case verify(accuracy: Double, cost: Double, rank: Int32, visits: Int32)
        case branch
        case end
    }

    struct Edge {
        /// `tests[firstTest..<endTest]` must all hold.
        var firstTest: Int32
        var endTest: Int32
        var target: Int32
        /// −1: no bound.
        var limit: Int32
        /// Counter of times taken (bounded edges only), else −1.
        var counter: Int32
        var escalation: Bool
    }

    let start: Int
    let steps: [Step]
    let members: [Int32]
    /// `edges[firstEdge[n]..<firstEdge[n + 1]]` leave node n, in order.
    let firstEdge: [Int32]
    let edges: [Edge]
    let tests: [GraphTest]
    /// The counters of kept parts.
    let keptSlots: [Int32]
    let counterCount: Int

    init(_ graph: Orchestration) {
        start = graph.start
        var counters: Int32 = 0
        func counter() -> Int32 {
            defer { counters += 1 }
            return counters
        }
        var members: [Int32] = []
        var kept: [Int32] = []
        var verifyRank: Int32 = 0, decomposeRank: Int32 = 0
        func slice(_ list: [Int]) -> (Int32, Int32) {
            defer { members += list.map(Int32.init) }
            return (Int32(members.count), Int32(list.count))
        }
        steps = graph.nodes.map { node in
            switch node.step {
            case .call(let member, let scale, let keep):
                var slot: Int32 = -1
                if keep {
                    slot = counter()
                    kept.append(slot)
                }
                return .call(member: Int32(member), scale: scale, keep: slot)
            case .parallel(let list, let count, let merge, let influence):
                let (first, size) = slice(list)
                let judge: Int32
                switch merge {
                case .vote: judge = -1
                case .judge(let member): judge = Int32(member)
                }
                return .parallel(first: first, size: size, count: Int32(count > 0 ? count : list.count), judge: judge,
                                 influence: influence)
            case .review(let member):
                return .review(member: Int32(member))
            case .decompose(let lead, let workers, let parts, let error, let scale):
                let (first, size) = slice(workers)
                let slot = counter()
                kept.append(slot)
                defer { decomposeRank += 1 }
                return .decompose(lead: Int32(lead), first: first, size: size, parts: Int32(parts), error: error,
                                  scale: scale, rank: decomposeRank, visits: counter(), keep: slot)
            case .verify(let accuracy, let cost):
                defer { verifyRank += 1 }
                return .verify(accuracy: accuracy, cost: cost, rank: verifyRank, visits: counter())
            case .branch:
                return .branch
            case .end:
                return .end
            }
        }
        var firstEdge: [Int32] = [0]
        var edges: [Edge] = []
        var tests: [GraphTest] = []
        for node in graph.nodes {
            for edge in node.edges {
                let first = Int32(tests.count)
                tests += edge.condition.tests
                edges.append(Edge(firstTest: first, endTest: Int32(tests.count), target: Int32(edge.target),
                                  limit: Int32(edge.limit ?? -1), counter: edge.limit == nil ? -1 : counter(),
                                  escalation: edge.escalation))
            }
            firstEdge.append(Int32(edges.count))
        }
        self.members = members
        self.firstEdge = firstEdge
        self.edges = edges
        self.tests = tests
        keptSlots = kept
        counterCount = Int(counters)
    }

    /// A graph that is never walked (the engine runs a built-in pattern).
    static let none = CompiledGraph(Orchestration(name: "", nodes: []))
}
