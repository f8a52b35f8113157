/// An orchestration as data: a directed graph that every task instance travels from `start`
/// to an `end` node. Nodes call members, verify answers and branch; edges carry conditions on
/// what the simulated system can observe, and an edge that closes a loop carries a bound.
///
/// Nodes and members are integer indices; the engine walks a `CompiledGraph` made from it once
/// per run. The built-in patterns are built from it too (`Orchestration.router(…)`, …).
public struct Orchestration: Sendable, Equatable {
    public var name: String
    public var nodes: [GraphNode]
    /// The node every task instance enters first.
    public var start: Int

    public init(name: String, nodes: [GraphNode], start: Int = 0) {
        self.name = name
        self.nodes = nodes
        self.start = start
    }
}

/// One node of an orchestration.
public struct GraphNode: Sendable, Equatable {
    public var name: String
    public var step: GraphStep
    /// Tried in order when the node's step is done; the first edge whose condition holds (and
    /// whose bound is not reached) is taken. When none is, the task ends with its current answer.
    public var edges: [GraphEdge]
    /// How the node's calls treat failures: retries, timeout and fallback member.
    public var policy: CallPolicy

    public init(_ name: String, _ step: GraphStep, edges: [GraphEdge] = [], policy: CallPolicy = .scenario) {
        self.name = name
        self.step = step
        self.edges = edges
        self.policy = policy
    }
}

/// How a node's calls handle failure. A request becomes a call; a call that ends in an error,
/// a timeout or malformed output is repeated on the same member up to `retries` times, then
/// passed once to the fallback member (with as many retries); when that fails too, the request
/// comes back failed. Unset values are the scenario's (`calls:` and `roles.fallback`).
public struct CallPolicy: Sendable, Equatable {
    public enum Fallback: Sendable, Equatable {
        /// The scenario's `roles.fallback`, if any.
        case scenario
        /// No fallback for this node's calls.
        case none
        case member(Int)
    }

    /// Repeats of a failed call on the same member; nil: the scenario's.
    public var retries: Int?
    /// A call's timeout; nil: the member's own, else the scenario's.
    public var timeout: Double?
    public var fallback: Fallback

    public init(retries: Int? = nil, timeout: Double? = nil, fallback: Fallback = .scenario) {
        self.retries = retries
        self.timeout = timeout
        self.fallback = fallback
    }

    public static let scenario = CallPolicy()
}

/// What a node does with a task instance.
///
/// A task carries a *current answer* (valid or failed, right or wrong, with a confidence) and
/// possibly *kept parts* (answers of `keep` calls and decompositions that later steps build
/// on). Its work is right when the current answer is right and every kept part is.
public enum GraphStep: Sendable, Equatable {
    /// Asks `member` for an answer at `difficultyScale` × the task's difficulty; the answer
    /// becomes the current answer. With `keep`, it also stays a part of the work after later
    /// calls replace the current answer (research under the writing of a pipeline). Calls go
    /// through the engine's retries, timeouts and fallback.
    case call(member: Int, difficultyScale: Double, keep: Bool)
    /// Fans out `count` requests (0: one per member) to `members`, cycling through them, in
    /// parallel, and merges their answers into the current answer (see `GraphMerge` for when). With `influence` w > 0
    /// each answer is a revision: right with probability (1 − w)·p + w·(share of the previous
    /// merge's valid answers that were right) — a debate round.
    case parallel(members: [Int], count: Int, merge: GraphMerge, influence: Double)
    /// `member` judges the work: a right call judges it correctly, a wrong or failed one
    /// misjudges it. The verdict (`accepted`) is right work accepted or wrong work rejected
    /// when the judge is right, the reverse when not. The current answer is unchanged.
    case review(member: Int)
    /// `lead` decomposes the task (a valid answer is a right decomposition except with
    /// probability `error`); `parts` parts at `partScale` × the difficulty go to `workers`,
    /// cycling, in parallel. The decomposition and the parts become a kept part of the work,
    /// right when all are; an `integrate` call (a `call` at half the difficulty, say) follows.
    case decompose(lead: Int, workers: [Int], parts: Int, error: Double, partScale: Double)
    /// A verifier judges the current answer: right with probability `accuracy` whether the
    /// answer is right or wrong, at `cost` per check; its verdict is `accepted` or `rejected`.
    /// A failed answer is not checked (no cost) and is rejected. Its draw is keyed by the task,
    /// the node's rank among verify nodes and how often the task has visited the node.
    case verify(accuracy: Double, cost: Double)
    /// Nothing but a choice among the edges.
    case branch
    /// The task ends now: right when its work is right.
    case end
}

/// How a parallel fan-out's answers become one.
public enum GraphMerge: Sendable, Equatable {
    /// A strict majority of the valid answers is right (no valid answer: wrong).
    case vote
    /// `judge` picks among the answers: right when at least one answer is right and the judge's
    /// own call is; when none is right the judge is not called and the answer is wrong.
    case judge(member: Int)
    /// The first valid answer to come back, as soon as it does; the other requests are not
    /// cancelled (their calls are paid, their answers ignored). None valid: failed.
    case firstValid
    /// When all are back, the valid answer with the highest confidence (the earliest back among
    /// equals). None valid: failed.
    case bestConfidence
}

/// An edge: where a task goes next, when `condition` holds.
public struct GraphEdge: Sendable, Equatable {
    public var condition: GraphCondition
    public var target: Int
    /// Most times a task may take this edge (a loop's bound); nil: no bound. When the bound
    /// stops the edge, the run records it (`boundHits`) and the next edge is tried.
    public var limit: Int?
    /// Taking the edge counts as an escalation (to a stronger tier, a human, or work sent back).
    public var escalation: Bool

    public init(_ condition: GraphCondition = .always, to target: Int, limit: Int? = nil, escalation: Bool = false) {
        self.condition = condition
        self.target = target
        self.limit = limit
        self.escalation = escalation
    }
}

/// A condition on what the orchestrator can observe: all of `tests` hold (none: always).
public struct GraphCondition: Sendable, Equatable {
    public var tests: [GraphTest]

    public init(_ tests: [GraphTest]) { self.tests = tests }
    public static let always = GraphCondition([])
}

/// One observation compared with a threshold.
public struct GraphTest: Sendable, Equatable {
    public enum Observable: String, Sendable, CaseIterable {
        /// 1 when the current answer failed (every call ended in an error, a timeout or
        /// malformed output), else 0.
        case failed
        /// The current answer's confidence (0 for a failed answer).
        case confidence
        /// 1 when the latest verification accepted the answer, else 0.
        case accepted
        /// The task's difficulty as the orchestrator estimates it: true difficulty ± 0.1.
        case estimatedDifficulty = "estimated-difficulty"
        /// The task's risk.
        case risk
        /// Money spent on the task so far.
        case cost
        /// Time since the task arrived.
        case elapsed
        /// How many times the task has been at this node, this visit included (1 the first time).
        case attempts
    }

    public enum Comparison: String, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "=="
    }

    public var observable: Observable
    public var comparison: Comparison
    public var value: Double

    public init(_ observable: Observable, _ comparison: Comparison, _ value: Double) {
        self.observable = observable
        self.comparison = comparison
        self.value = value
    }

    func holds(_ x: Double) -> Bool {
        switch comparison {
        case .less: x < value
        case .lessOrEqual: x <= value
        case .greater: x > value
        case .greaterOrEqual: x >= value
        case .equal: x == value
        }
    }
}

extension Orchestration {
    /// An upper bound on the requests one task instance makes: every traversal of a cycle
    /// takes a bounded edge, so a task visits each node at most 1 + Σ limits times, and a
    /// visit makes `requests(at:)`. Budgets use it before anything runs.
    public var maximumRequestsPerTask: Double {
        let visits = 1 + nodes.reduce(0.0) { sum, node in sum + node.edges.reduce(0.0) { $0 + Double($1.limit ?? 0) } }
        return visits * nodes.reduce(0.0) { $0 + requests(at: $1) }
    }

    /// The most requests one visit of a node makes, and so the most a task waits for at once.
    public var maximumRequestsPerVisit: Double { nodes.reduce(0.0) { max($0, requests(at: $1)) } }

    /// The requests a visit of `node` makes: one for a call or review, a fan-out's
    /// count (and its judge), a decomposition's lead and parts; none for a verification (a
    /// check, not a call), a branch or the end.
    private func requests(at node: GraphNode) -> Double {
        switch node.step {
        case .call, .review: 1
        case .parallel(let members, let count, let merge, _):
            Double(count > 0 ? count : members.count) + (merge.callsJudge ? 1 : 0)
        case .decompose(_, _, let parts, _, _): 1 + Double(parts)
        case .verify, .branch, .end: 0
        }
    }

    /// An upper bound on the calls one task instance makes: `maximumRequestsPerTask`, each
    /// request with its node's retries (default `retries`) on its member and, when the node
    /// has a fallback (default `fallback`), as many again on the fallback.
    public func maximumCallsPerTask(retries: Int, fallback: Bool) -> Double {
        let worst = nodes.reduce(1.0) { most, node in
            let tries = Double((node.policy.retries ?? retries) + 1)
            let hasFallback = switch node.policy.fallback {
            case .scenario: fallback
            case .none: false
            case .member: true
            }
            return max(most, hasFallback ? 2 * tries : tries)
        }
        return maximumRequestsPerTask * worst
    }
}

extension GraphMerge {
    /// The merge makes a call of its own (a judge's).
    var callsJudge: Bool {
        if case .judge = self { true } else { false }
    }
}
