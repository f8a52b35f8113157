import AgentTeams
import Yams
import Vocabulary

/// Reads a scenario's `orchestrations:` — named graphs users describe their own agent-team
/// workflows with — and validates each completely before anything runs: unknown nodes,
/// members and observables, unreachable nodes, nodes with no way to an end, loops without a
/// bound and loops that wait for no answer are each reported at their position (README,
/// "Orchestration graphs").
enum OrchestrationReader {
    static let stepKeys = ["call", "parallel", "review", "verify", "decompose", "branch", "end"]
    static let nodeKeys = stepKeys + ["next", "difficulty", "keep"] + policyKeys
    /// A node's call policy: for nodes that make calls (call, parallel, review, decompose).
    static let policyKeys = ["retries", "timeout", "fallback"]
    static let merges = ["vote", "judge", "first-valid", "best-confidence"]
    /// Role names a graph may use for one member, and for a list of members.
    static let memberRoles = ["primary", "judge", "lead", "assistant", "human"]
    static let listRoles = ["panel", "workers", "tiers", "stages"]
    /// Nodes in one graph: far more than any workflow needs, few enough to check at once.
    static let maximumNodes = 1_000

    /// The graphs under `node` (a mapping of graph names to graphs), checked against the
    /// team's `members` and `roles` and against `taken` strategy names; nil after a problem.
    static func read(_ node: Node, members: [TeamMember], roles: Roles, taken: [String], in file: ConfigFile)
        -> [Orchestration]? {
        guard case .mapping(let graphs) = node, !graphs.isEmpty else {
            file.error("orchestrations must be a mapping of graph names to graphs", at: node)
            return nil
        }
        let reader = Context(file: file, members: members, roles: roles)
        var result: [Orchestration] = []
        var ok = true
        for (key, value) in graphs {
            let name = key.string ?? ""
            if taken.contains(name) {
                file.error("orchestration '\(excerpt(name))' has the name of a built-in strategy; choose another", at: key)
                ok = false
            } else if name.isEmpty || name.utf8.count > 100 || !isPrintableName(name) || name.contains(",") {
                file.error("orchestration name '\(excerpt(name))' must be 1 to 100 bytes without commas or control characters",
                           at: key)
                ok = false
            }
            if let graph = reader.graph(value, name: name) { result.append(graph) } else { ok = false }
        }
        return ok ? result : nil
    }

    struct Context {
        let file: ConfigFile
        let members: [TeamMember]
        let roles: Roles

        var memberNames: [String] { members.map(\.name) }

        /// A member by name, or a single-member role by its name.
        func member(_ value: Node, field: String) -> Int? {
            guard let text = value.string else {
                file.error("field '\(field)' must name a member", at: value)
                return nil
            }
            if let index = members.firstIndex(where: { $0.name == text }) { return index }
            switch text {
            case "primary": return roles.primary
            case "judge": return roles.judge
            case "lead": return roles.lead
            case "assistant": return roles.assistant
            case "human" where roles.human != nil: return roles.human
            default:
                file.error(unknownMessage("member", text, known: memberNames + memberRoles) + " (in \(field))", at: value)
                return nil
            }
        }

        /// A list of members, or a list role's name (`panel`, `workers`, `tiers`, `stages`).
        func memberList(_ value: Node, field: String) -> [Int]? {
            if let text = value.string, let list = listRole(text) { return list }
            guard let items = file.stringList(value, field: field) else { return nil }
            var result: [Int] = []
            var ok = true
            for (_, node) in items {
                if let m = member(node, field: field) { result.append(m) } else { ok = false }
            }
            if ok && result.isEmpty { file.error("field '\(field)' must name at least one member", at: value) }
            return ok && !result.isEmpty ? result : nil
        }

        func listRole(_ name: String) -> [Int]? {
            switch name {
            case "panel": roles.panel
            case "workers": roles.workers
            case "tiers": roles.tiers
            case "stages": roles.stages
            default: nil
            }
        }

        /// An edge as written, before its target is resolved.
        struct EdgeSource {
            var condition: GraphCondition
            var target: String
            var targetNode: Node
            var limit: Int?
            var escalation: Bool
        }

        func graph(_ node: Node, name: String) -> Orchestration? {
            let what = "orchestration '\(excerpt(name))'"
            guard let fields = Fields(node, in: file, what: what, allowed: ["start", "nodes", "description"]),
                  let nodesNode = fields.required("nodes", what: what) else { return nil }
            guard case .mapping(let nodeMap) = nodesNode, !nodeMap.isEmpty else {
                file.error("nodes of \(what) must be a mapping of node names to nodes", at: nodesNode)
                return nil
            }
            guard nodeMap.count <= OrchestrationReader.maximumNodes else {
                file.error("\(what) has \(nodeMap.count) nodes; at most \(OrchestrationReader.maximumNodes)", at: nodesNode)
                return nil
            }
            let names = nodeMap.map { $0.key.string ?? "" }
            let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            var steps: [GraphStep?] = []
            var policies: [CallPolicy] = []
            var edgeSources: [[EdgeSource]] = []
            for (key, value) in nodeMap {
                let (step, edges, policy) = self.node(value, name: key.string ?? "", in: what)
                steps.append(step)
                policies.append(policy)
                edgeSources.append(edges ?? [])
            }
            var start = 0
            if let startNode = fields["start"] {
                if let text = startNode.string, let s = index[text] { start = s } else {
                    file.error(unknownMessage("node", startNode.string ?? "", known: names) + " (start of \(what))",
                               at: startNode)
                    return nil
                }
            }
            // Resolve targets.
            var nodes: [GraphNode] = []
            var ok = !steps.contains { $0 == nil }
            for (n, sources) in edgeSources.enumerated() {
                var edges: [GraphEdge] = []
                for source in sources {
                    guard let target = index[source.target] else {
                        file.error(unknownMessage("node", source.target, known: names) + " (in \(what))", at: source.targetNode)
                        ok = false
                        continue
                    }
                    edges.append(GraphEdge(source.condition, to: target, limit: source.limit, escalation: source.escalation))
                }
                nodes.append(GraphNode(names[n], steps[n] ?? .end, edges: edges, policy: policies[n]))
            }
            guard ok else { return nil }
            let graph = Orchestration(name: name, nodes: nodes, start: start)
            let keyNodes = nodeMap.map(\.key)
            return checkShape(graph, keys: keyNodes, edgeSources: edgeSources, what: what) ? graph : nil
        }

        /// One node: its step, its edges as written, and its call policy.
        func node(_ value: Node, name: String, in what: String) -> (GraphStep?, [EdgeSource]?, CallPolicy) {
            if value.string == "end" { return (.end, [], .scenario) }
            guard let fields = Fields(value, in: file, what: "node '\(excerpt(name))'", allowed: nodeKeys) else {
                return (nil, nil, .scenario)
            }
            let (step, edges) = stepAndEdges(fields, value, name: name, in: what)
            guard OrchestrationReader.policyKeys.contains(where: { fields.has($0) }) else { return (step, edges, .scenario) }
            let what = "node '\(excerpt(name))'"
            switch step {
            case nil:
                return (nil, edges, .scenario)
            case .verify, .branch, .end:
                let key = OrchestrationReader.policyKeys.first { fields.has($0) }!
                file.error("\(what) makes no calls; '\(key)' belongs on a call, parallel, review or decompose node",
                           at: fields[key])
                return (nil, edges, .scenario)
            default:
                break
            }
            let retries = fields.has("retries") ? fields.integer("retries", what: what, in: 0...20) : nil
            let timeout = fields.has("timeout") ? fields.number("timeout", what: what, in: 0...1e9) : nil
            var fallback = CallPolicy.Fallback.scenario
            var ok = (retries != nil) == fields.has("retries") && (timeout != nil) == fields.has("timeout")
            if let f = fields["fallback"] {
                if f.string == "none" {
                    fallback = .none
                } else if let m = member(f, field: "\(name).fallback") {
                    fallback = .member(m)
                } else {
                    ok = false
                }
            }
            return (ok ? step : nil, edges, CallPolicy(retries: retries, timeout: timeout, fallback: fallback))
        }

        /// One node's step and its edges as written (`fields` are the node's, `value`).
        func stepAndEdges(_ fields: Fields, _ value: Node, name: String, in what: String) -> (GraphStep?, [EdgeSource]?) {
            let present = Self.stepKeysPresent(fields)
            guard present.count == 1, let kind = present.first else {
                file.error("node '\(excerpt(name))' must have exactly one of: " + stepKeys.joined(separator: ", ")
                           + (present.isEmpty ? "" : " (it has " + present.joined(separator: ", ") + ")"), at: value)
                return (nil, nil)
            }
            let stepNode = fields[kind]!
            let field = "\(name).\(kind)"
            var step: GraphStep?
            switch kind {
            case "call":
                let scale = fields.number("difficulty", what: "node '\(name)'", default: 1, in: 0...10)
                var keep: Bool? = false
                if let k = fields["keep"] { keep = k.bool; if keep == nil { file.error("keep must be true or false", at: k) } }
                if let m = member(stepNode, field: field), let scale, let keep {
                    step = .call(member: m, difficultyScale: scale, keep: keep)
                }
            case "review":
                step = member(stepNode, field: field).map { .review(member: $0) }
            case "verify":
                if let f = Fields(stepNode, in: file, what: field, allowed: ["accuracy", "cost"]),
                   let accuracy = f.number("accuracy", what: field, in: 0...1),
                   let cost = f.number("cost", what: field, default: 0, in: 0...1e9) {
                    step = .verify(accuracy: accuracy, cost: cost)
                }
            case "parallel":
                if let f = Fields(stepNode, in: file, what: field, allowed: ["members", "count", "merge", "judge", "influence"]),
                   let list = f.required("members", what: field).flatMap({ memberList($0, field: "\(field).members") }),
                   let count = f.integer("count", what: field, default: 0, in: 0...101),
                   let influence = f.number("influence", what: field, default: 0, in: 0...1) {
                    let mergeName = f.string("merge", what: field) ?? "vote"
                    switch mergeName {
                    case "vote":
                        step = .parallel(members: list, count: count, merge: .vote, influence: influence)
                    case "judge":
                        if let judge = f.required("judge", what: "\(field) (merge: judge)").flatMap({ member($0, field: "\(field).judge") }) {
                            step = .parallel(members: list, count: count, merge: .judge(member: judge), influence: influence)
                        }
                    case "first-valid":
                        step = .parallel(members: list, count: count, merge: .firstValid, influence: influence)
                    case "best-confidence":
                        step = .parallel(members: list, count: count, merge: .bestConfidence, influence: influence)
                    default:
                        file.error(unknownMessage("merge", mergeName, known: OrchestrationReader.merges), at: f["merge"])
                    }
                }
            case "decompose":
                if let f = Fields(stepNode, in: file, what: field, allowed: ["lead", "workers", "parts", "error", "part-difficulty"]),
                   let lead = f.required("lead", what: field).flatMap({ member($0, field: "\(field).lead") }),
                   let workers = f.required("workers", what: field).flatMap({ memberList($0, field: "\(field).workers") }),
                   let parts = f.integer("parts", what: field, in: 1...50),
                   let error = f.number("error", what: field, default: 0, in: 0...1),
                   let scale = f.number("part-difficulty", what: field, default: 1, in: 0...10) {
                    step = .decompose(lead: lead, workers: workers, parts: parts, error: error, partScale: scale)
                }
            case "branch":
                step = .branch
            default:
                step = .end
            }
            let edgeNode = kind == "branch" ? stepNode : fields["next"]
            if kind == "branch" && fields["next"] != nil {
                file.error("a branch lists its edges under 'branch', not 'next'", at: fields["next"])
                return (nil, nil)
            }
            if kind == "end" {
                if let next = fields["next"] { file.error("an end node has no 'next'", at: next); return (nil, nil) }
                return (step, [])
            }
            guard let edgeNode else {
                file.error("node '\(excerpt(name))' must say where a task goes next ('next')", at: value)
                return (nil, nil)
            }
            let edges = self.edges(edgeNode, field: kind == "branch" ? field : "\(name).next")
            return (edges == nil ? nil : step, edges)
        }

        static func stepKeysPresent(_ fields: Fields) -> [String] { stepKeys.filter { fields.has($0) } }

        /// `next: NODE`, or a list of `{if: CONDITION, to: NODE, limit: N, escalate: BOOL}`.
        func edges(_ node: Node, field: String) -> [EdgeSource]? {
            if let target = node.string, case .scalar = node {
                return [EdgeSource(condition: .always, target: target, targetNode: node, limit: nil, escalation: false)]
            }
            guard case .sequence(let items) = node, !items.isEmpty else {
                file.error("\(field) must be a node name or a non-empty list of edges", at: node)
                return nil
            }
            var result: [EdgeSource] = []
            var ok = true
            for item in items {
                guard let f = Fields(item, in: file, what: "edge", allowed: ["if", "to", "limit", "escalate"]),
                      let toNode = f.required("to", what: "edge"), let target = f.scalarString(toNode, field: "to") else {
                    ok = false
                    continue
                }
                var condition = GraphCondition.always
                if let c = f["if"] {
                    guard let parsed = self.condition(c) else { ok = false; continue }
                    condition = parsed
                }
                var limit: Int?
                if let l = f["limit"] {
                    guard let value = file.integer(l, field: "limit", in: 0...10_000) else { ok = false; continue }
                    limit = value
                }
                var escalation = false
                if let e = f["escalate"] {
                    guard let value = e.bool else { file.error("escalate must be true or false", at: e); ok = false; continue }
                    escalation = value
                }
                result.append(EdgeSource(condition: condition, target: target, targetNode: toNode, limit: limit,
                                         escalation: escalation))
            }
            return ok ? result : nil
        }

        /// `failed`, `accepted`, `rejected`, or tests `OBSERVABLE OP NUMBER` joined by `and`.
        func condition(_ node: Node) -> GraphCondition? {
            guard let text = node.string else {
                file.error("a condition is text such as 'confidence < 0.6 and cost < 0.05'", at: node)
                return nil
            }
            var tests: [GraphTest] = []
            let observables = GraphTest.Observable.allCases.map(\.rawValue)
            for part in text.components(separatedBy: " and ") {
                let words = part.split(separator: " ").map(String.init)
                switch words.count {
                case 1 where words[0] == "failed": tests.append(GraphTest(.failed, .equal, 1))
                case 1 where words[0] == "accepted": tests.append(GraphTest(.accepted, .equal, 1))
                case 1 where words[0] == "rejected": tests.append(GraphTest(.accepted, .equal, 0))
                case 3:
                    guard let observable = GraphTest.Observable(rawValue: words[0]) else {
                        file.error(unknownMessage("observable", words[0], known: observables) + " (in condition '\(excerpt(text))')",
                                   at: node)
                        return nil
                    }
                    guard let comparison = GraphTest.Comparison(rawValue: words[1]) else {
                        file.error(unknownMessage("comparison", words[1], known: GraphTest.Comparison.allCases.map(\.rawValue))
                                   + " (in condition '\(excerpt(text))')", at: node)
                        return nil
                    }
                    guard let value = Double(words[2]), value.isFinite else {
                        file.error("'\(excerpt(words[2]))' in condition '\(excerpt(text))' must be a number", at: node)
                        return nil
                    }
                    tests.append(GraphTest(observable, comparison, value))
                default:
                    if words.count == 1, GraphTest.Observable(rawValue: words[0]) == nil {
                        file.error(unknownMessage("observable", words[0], known: ["failed", "accepted", "rejected"] + observables)
                                   + " (in condition '\(excerpt(text))')", at: node)
                    } else {
                        file.error("condition '\(excerpt(text))' must be 'failed', 'accepted', 'rejected' or tests like "
                                   + "'confidence < 0.6', joined by 'and'", at: node)
                    }
                    return nil
                }
            }
            return GraphCondition(tests)
        }

        /// Every node reachable from the start, every node with a way to an end, every loop
        /// with a bounded edge.
        func checkShape(_ graph: Orchestration, keys: [Node], edgeSources: [[EdgeSource]], what: String) -> Bool {
            let n = graph.nodes.count
            var ok = true
            // Reachable from the start.
            var reached = [Bool](repeating: false, count: n)
            var stack = [graph.start]
            reached[graph.start] = true
            while let v = stack.popLast() {
                for e in graph.nodes[v].edges where !reached[e.target] {
                    reached[e.target] = true
                    stack.append(e.target)
                }
            }
            for v in 0..<n where !reached[v] {
                file.error("node '\(excerpt(graph.nodes[v].name))' of \(what) cannot be reached from its start "
                           + "'\(excerpt(graph.nodes[graph.start].name))'", at: keys[v])
                ok = false
            }
            // A way to an end: backwards from the end nodes. A node whose edges may all fail
            // ends the task there, so it counts as ending too.
            var ends = [Bool](repeating: false, count: n)
            var reverse = [[Int]](repeating: [], count: n)
            for (v, node) in graph.nodes.enumerated() {
                for e in node.edges { reverse[e.target].append(v) }
                let unconditional = node.edges.contains { $0.condition.tests.isEmpty && $0.limit == nil }
                if node.step == .end || !unconditional { ends[v] = true }
            }
            stack = (0..<n).filter { ends[$0] }
            while let v = stack.popLast() {
                for u in reverse[v] where !ends[u] {
                    ends[u] = true
                    stack.append(u)
                }
            }
            for v in 0..<n where reached[v] && !ends[v] {
                file.error("node '\(excerpt(graph.nodes[v].name))' of \(what) has no way to an end node", at: keys[v])
                ok = false
            }
            // Loops without a bound: a cycle among the unbounded edges.
            if let (loop, at) = cycle(in: graph, through: { edge in edge.limit == nil }) {
                file.error("loop " + loop + " of \(what) has no bound; give one of its edges a 'limit'",
                           at: edgeSources[at.node][at.edge].targetNode)
                ok = false
            }
            // Loops that wait for no answer: a cycle among the instant nodes (verify, branch)
            // would let a task go round within one event, bounded or not.
            let instant = graph.nodes.map { node in
                switch node.step {
                case .verify, .branch: true
                default: false
                }
            }
            if let (loop, at) = cycle(in: graph, from: { instant[$0] }, through: { instant[$0.target] }) {
                file.error("loop " + loop + " of \(what) waits for no answer; a loop must pass a call, review, "
                           + "parallel or decompose node", at: edgeSources[at.node][at.edge].targetNode)
                ok = false
            }
            return ok
        }

        /// A cycle of `graph` among the edges `through` accepts, searched from the nodes `from`
        /// accepts: its node names joined by arrows, and the edge that closes it.
        func cycle(in graph: Orchestration, from start: (Int) -> Bool = { _ in true },
                   through accept: (GraphEdge) -> Bool) -> (String, (node: Int, edge: Int))? {
            let n = graph.nodes.count
            var state = [UInt8](repeating: 0, count: n)       // 0 new, 1 on the path, 2 done
            var path: [Int] = []
            func visit(_ v: Int) -> (String, (node: Int, edge: Int))? {
                state[v] = 1
                path.append(v)
                for (k, e) in graph.nodes[v].edges.enumerated() where accept(e) {
                    if state[e.target] == 1 {
                        let names = path[path.lastIndex(of: e.target)!...].map { graph.nodes[$0].name } + [graph.nodes[e.target].name]
                        return (names.map { excerpt($0) }.joined(separator: " → "), (v, k))
                    }
                    if state[e.target] == 0, let found = visit(e.target) { return found }
                }
                path.removeLast()
                state[v] = 2
                return nil
            }
            for v in 0..<n where state[v] == 0 && start(v) {
                if let found = visit(v) { return found }
            }
            return nil
        }
    }
}
