/// An orchestration flattened for the engine: plain arrays of trivial values indexed by node,
/// edge, test and member, so walking a task through the graph copies no reference and
/// allocates nothing. Made once per run.
///
/// Each task has `counterCount` small counters: first its visits to every node (they key the
/// draws of verify and decompose nodes, and are the `attempts` observable), then the times it
/// took every edge (a bounded edge's bound is checked against it), then the state of every
/// kept part (0 none yet, 1 right, 2 wrong).
struct CompiledGraph {
    enum Step {
        case call(member: Int32, scale: Double, keep: Int32)
        /// `members[first..<first + size]`; `count` requests; how they merge.
        case parallel(first: Int32, size: Int32, count: Int32, merge: Merge, influence: Double)
        case review(member: Int32)
        case decompose(lead: Int32, first: Int32, size: Int32, parts: Int32, error: Double, scale: Double,
                       rank: Int32, keep: Int32)
        case verify(accuracy: Double, cost: Double, rank: Int32)
        case branch
        case end
    }

    enum Merge: Equatable {
        case vote, judge(Int32), firstValid, bestConfidence
    }

    struct Edge {
        /// `tests[firstTest..<endTest]` must all hold.
        var firstTest: Int32
        var endTest: Int32
        var target: Int32
        /// −1: no bound.
        var limit: Int32
        var escalation: Bool
    }

    /// A node's call policy: −1 retries: the scenario's; NaN timeout: the member's or the
    /// scenario's; fallback −2: the scenario's, −1: none, else a member.
    struct Policy {
        var retries: Int32
        var timeout: Double
        var fallback: Int32
    }

    let start: Int
    let steps: [Step]
    let policies: [Policy]
    let members: [Int32]
    /// `edges[firstEdge[n]..<firstEdge[n + 1]]` leave node n, in order.
    let firstEdge: [Int32]
    let edges: [Edge]
    let tests: [GraphTest]
    /// The counters of kept parts.
    let keptSlots: [Int32]
    let counterCount: Int

    var nodeCount: Int { steps.count }
    /// The counter of node `n`'s visits.
    @inline(__always) func visitCounter(_ n: Int) -> Int { n }
    /// The counter of the times edge `e` was taken.
    @inline(__always) func edgeCounter(_ e: Int) -> Int { steps.count + e }

    init(_ graph: Orchestration) {
        start = graph.start
        let edgeCount = graph.nodes.reduce(0) { $0 + $1.edges.count }
        var counters = Int32(graph.nodes.count + edgeCount)
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
                let compiled: Merge = switch merge {
                case .vote: .vote
                case .judge(let member): .judge(Int32(member))
                case .firstValid: .firstValid
                case .bestConfidence: .bestConfidence
                }
                return .parallel(first: first, size: size, count: Int32(count > 0 ? count : list.count), merge: compiled,
                                 influence: influence)
            case .review(let member):
                return .review(member: Int32(member))
            case .decompose(let lead, let workers, let parts, let error, let scale):
                let (first, size) = slice(workers)
                let slot = counter()
                kept.append(slot)
                defer { decomposeRank += 1 }
                return .decompose(lead: Int32(lead), first: first, size: size, parts: Int32(parts), error: error,
                                  scale: scale, rank: decomposeRank, keep: slot)
            case .verify(let accuracy, let cost):
                defer { verifyRank += 1 }
                return .verify(accuracy: accuracy, cost: cost, rank: verifyRank)
            case .branch:
                return .branch
            case .end:
                return .end
            }
        }
        policies = graph.nodes.map { node in
            let fallback: Int32 = switch node.policy.fallback {
            case .scenario: -2
            case .none: -1
            case .member(let m): Int32(m)
            }
            return Policy(retries: Int32(node.policy.retries ?? -1), timeout: node.policy.timeout ?? .nan, fallback: fallback)
        }
        var firstEdge: [Int32] = [0]
        var edges: [Edge] = []
        var tests: [GraphTest] = []
        for node in graph.nodes {
            for edge in node.edges {
                let first = Int32(tests.count)
                tests += edge.condition.tests
                edges.append(Edge(firstTest: first, endTest: Int32(tests.count), target: Int32(edge.target),
                                  limit: Int32(edge.limit ?? -1), escalation: edge.escalation))
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
}
