/// The built-in patterns as orchestration graphs over a scenario's roles: the only way they
/// run. Each gives exactly the runs the hand-written pattern it replaced gave (same draws,
/// same decisions; `GraphEquivalenceTests` against a golden file recorded from them), so the
/// graph machinery is validated by the patterns' theory tests.
extension Orchestration {
    /// `single`: tier `tier` of roles.tiers when it is a valid index, else roles.primary → end.
    public static func single(_ roles: Roles, tier: Int) -> Orchestration {
        Orchestration(name: "single", nodes: [
            GraphNode("answer", .call(member: roles.single(tier: tier), difficultyScale: 1, keep: false), edges: [GraphEdge(to: 1)]),
            GraphNode("end", .end),
        ])
    }

    /// `router`: tasks estimated harder than `escalateAbove` skip the first tier; each tier's
    /// answer is verified; an accepted answer ends the task; a rejected one escalates to the
    /// next tier while the task has cost less than `budget`, else it is final.
    public static func router(_ roles: Roles, verifierAccuracy: Double, verifierCost: Double, escalateAbove: Double,
                              budget: Double) -> Orchestration {
        let tiers = roles.tiers
        // Nodes: route, then (call, check) per tier, then end.
        let end = 1 + 2 * tiers.count
        func call(_ t: Int) -> Int { 1 + 2 * t }
        var route: [GraphEdge] = []
        if tiers.count > 1 {
            route.append(GraphEdge(GraphCondition([GraphTest(.estimatedDifficulty, .greater, escalateAbove)]), to: call(1)))
        }
        route.append(GraphEdge(to: call(0)))
        var nodes = [GraphNode("route", .branch, edges: route)]
        for (t, member) in tiers.enumerated() {
            nodes.append(GraphNode("tier-\(t)", .call(member: member, difficultyScale: 1, keep: false), edges: [GraphEdge(to: call(t) + 1)]))
            var check = [GraphEdge(GraphCondition([GraphTest(.accepted, .equal, 1)]), to: end)]
            if t + 1 < tiers.count {
                check.append(GraphEdge(GraphCondition([GraphTest(.cost, .less, budget)]), to: call(t + 1), escalation: true))
            }
            check.append(GraphEdge(to: end))
            nodes.append(GraphNode("check-\(t)", .verify(accuracy: verifierAccuracy, cost: verifierCost), edges: check))
        }
        nodes.append(GraphNode("end", .end))
        return Orchestration(name: "router", nodes: nodes)
    }

    /// `human-escalation`: tasks riskier than `riskAbove` go to the human; the others to the
    /// assistant, whose answer goes to the human when it failed or its confidence is below
    /// `confidenceBelow`. Without a human (roles.human) nothing is escalated.
    public static func humanEscalation(_ roles: Roles, riskAbove: Double, confidenceBelow: Double) -> Orchestration {
        let assistant = 1, humanNode = 2, end = 3
        var triage: [GraphEdge] = [], checked: [GraphEdge] = []
        if roles.human != nil {
            triage.append(GraphEdge(GraphCondition([GraphTest(.risk, .greater, riskAbove)]), to: humanNode, escalation: true))
            checked.append(GraphEdge(GraphCondition([GraphTest(.failed, .equal, 1)]), to: humanNode, escalation: true))
            checked.append(GraphEdge(GraphCondition([GraphTest(.confidence, .less, confidenceBelow)]), to: humanNode,
                                     escalation: true))
        }
        triage.append(GraphEdge(to: assistant))
        checked.append(GraphEdge(to: end))
        return Orchestration(name: "human-escalation", nodes: [
            GraphNode("triage", .branch, edges: triage),
            GraphNode("assistant", .call(member: roles.assistant, difficultyScale: 1, keep: false), edges: checked),
            GraphNode("human", .call(member: roles.human ?? roles.assistant, difficultyScale: 1, keep: false), edges: [GraphEdge(to: end)]),
            GraphNode("end", .end),
        ])
    }

    /// `scatter-gather`: `k` panel members (0: the whole panel) in parallel, cycling through the
    /// panel, merged by majority vote or by roles.judge.
    public static func scatterGather(_ roles: Roles, k: Int, judge: Bool) -> Orchestration {
        Orchestration(name: "scatter-gather", nodes: [
            GraphNode("panel", .parallel(members: roles.panel, count: k, merge: judge ? .judge(member: roles.judge) : .vote,
                                         influence: 0), edges: [GraphEdge(to: 1)]),
            GraphNode("end", .end),
        ])
    }

    /// `debate`: the panel answers, then revises `rounds` times, each revision weighing the
    /// share of the panel that was right before by `influence`; majority vote.
    public static func debate(_ roles: Roles, rounds: Int, influence: Double) -> Orchestration {
        var nodes: [GraphNode] = []
        for round in 0...rounds {
            nodes.append(GraphNode(round == 0 ? "answer" : "revise-\(round)",
                                   .parallel(members: roles.panel, count: 0, merge: .vote, influence: round == 0 ? 0 : influence),
                                   edges: [GraphEdge(to: round + 1)]))
        }
        nodes.append(GraphNode("end", .end))
        return Orchestration(name: "debate", nodes: nodes)
    }

    /// `hierarchical`: roles.lead decomposes (wrong with probability `decompositionError`),
    /// roles.workers solve `subtasks` parts at `subtaskDifficulty` × d in parallel, the lead
    /// integrates at d/2.
    public static func hierarchical(_ roles: Roles, subtasks: Int, decompositionError: Double,
                                    subtaskDifficulty: Double) -> Orchestration {
        Orchestration(name: "hierarchical", nodes: [
            GraphNode("decompose", .decompose(lead: roles.lead, workers: roles.workers, parts: subtasks,
                                              error: decompositionError, partScale: subtaskDifficulty),
                      edges: [GraphEdge(to: 1)]),
            GraphNode("integrate", .call(member: roles.lead, difficultyScale: 0.5, keep: false), edges: [GraphEdge(to: 2)]),
            GraphNode("end", .end),
        ])
    }

    /// `pipeline`: research → write → review over roles.stages; the reviewer sends the writing
    /// back when it rejects it, at most `sendBacks` times (each an escalation).
    public static func pipeline(_ roles: Roles, sendBacks: Int) -> Orchestration {
        let stages = roles.stages
        return Orchestration(name: "pipeline", nodes: [
            GraphNode("research", .call(member: stages[0], difficultyScale: 1, keep: true), edges: [GraphEdge(to: 1)]),
            GraphNode("write", .call(member: stages[1], difficultyScale: 1, keep: false), edges: [GraphEdge(to: 2)]),
            GraphNode("review", .review(member: stages[2]), edges: [
                GraphEdge(GraphCondition([GraphTest(.accepted, .equal, 0)]), to: 1, limit: sendBacks, escalation: true),
                GraphEdge(to: 3),
            ]),
            GraphNode("end", .end),
        ])
    }

    /// The graph that carries out `pattern` in `scenario`.
    public static func of(_ pattern: Pattern, in scenario: AgentTeamScenario) -> Orchestration {
        let roles = scenario.roles
        return switch pattern {
        case .single(let tier): .single(roles, tier: tier)
        case .router(let accuracy, let cost, let escalateAbove, let budget):
            .router(roles, verifierAccuracy: accuracy, verifierCost: cost, escalateAbove: escalateAbove, budget: budget)
        case .scatterGather(let k, let judge): .scatterGather(roles, k: k, judge: judge)
        case .debate(let rounds, let influence): .debate(roles, rounds: rounds, influence: influence)
        case .hierarchical(let subtasks, let error, let scale):
            .hierarchical(roles, subtasks: subtasks, decompositionError: error, subtaskDifficulty: scale)
        case .pipeline(let sendBacks): .pipeline(roles, sendBacks: sendBacks)
        case .humanEscalation(let riskAbove, let confidenceBelow):
            .humanEscalation(roles, riskAbove: riskAbove, confidenceBelow: confidenceBelow)
        case .graph(let graph): graph
        case .orchestration(let k): scenario.orchestrations[k]
        }
    }
}
