import Vocabulary

/// Per-node and per-edge figures of a run's orchestration graph: the family's detail tables
/// (`nodes.csv`, `edges.csv`), each figure declared once with its description and computed
/// here from the engine's run totals (per-task counters folded in as each instance retires). Every figure is per task instance
/// (a share, or a total divided by the instances), so runs of different sizes compare.
extension AgentTeamFamily {
    public static let details: [DetailTable] = [
        DetailTable("nodes", keys: ["node"], figures: [
            FigureDescriptor("tasks", unit: "fraction", "share of task instances that reached the node"),
            FigureDescriptor("visits", unit: "per task", "visits to the node"),
            FigureDescriptor("calls", unit: "per task", "calls made for the node (retries, fallbacks and a judge's included)"),
            FigureDescriptor("cost", unit: "money", "money spent at the node (calls, paid even when their answer came too late; checks)"),
            FigureDescriptor("time", unit: "time", "time spent at the node, waiting for busy members included"),
            FigureDescriptor("final", unit: "fraction", "share of task instances whose answer became final at the node"),
        ], "one row per node of the orchestration graph the run walked; figures per task instance"),
        DetailTable("edges", keys: ["from", "rank", "to", "if"], figures: [
            FigureDescriptor("tasks", unit: "fraction", "share of task instances that took the edge at least once"),
            FigureDescriptor("taken", unit: "per task", "times the edge was taken"),
            FigureDescriptor("bound-hits", unit: "per task",
                             "times its limit stopped a task that would otherwise have taken it (a contained runaway)"),
        ], "one row per edge: from a node, its rank among the node's edges, to a node, on a condition; per task instance"),
    ]

    /// The rows of `details` for a finished run of `graph` whose totals are `totals`
    /// (`TeamEngine.finish()`).
    static func detailRows(_ engine: TeamEngine, _ totals: RunTotals, graph: Orchestration) -> [[DetailRow]] {
        let instances = Double(engine.instanceCount)
        guard instances > 0 else { return [[], []] }
        let (reached, visits, tookEdge, taken) = (totals.reached, totals.visits, totals.tookEdge, totals.taken)
        let nodes = graph.nodes.indices.map { n in
            DetailRow(keys: [graph.nodes[n].name], values: [
                Double(reached[n]) / instances, Double(visits[n]) / instances, Double(engine.nodeCalls[n]) / instances,
                engine.nodeCost[n] / instances, engine.nodeTime[n] / instances, Double(engine.nodeEnded[n]) / instances,
            ])
        }
        var edges: [DetailRow] = []
        var e = 0
        for node in graph.nodes {
            for (rank, edge) in node.edges.enumerated() {
                edges.append(DetailRow(keys: [node.name, String(rank + 1), graph.nodes[edge.target].name, edge.condition.text],
                                       values: [Double(tookEdge[e]) / instances, Double(taken[e]) / instances,
                                                Double(engine.edgeBoundHits[e]) / instances]))
                e += 1
            }
        }
        return [nodes, edges]
    }
}

extension GraphCondition {
    /// The condition as a scenario file writes it: tests joined by `and` (`failed`, `accepted`
    /// and `rejected` for their shorthands); `always` for none.
    public var text: String {
        tests.isEmpty ? "always" : tests.map { test in
            switch (test.observable, test.comparison, test.value) {
            case (.failed, .equal, 1): return "failed"
            case (.accepted, .equal, 1): return "accepted"
            case (.accepted, .equal, 0): return "rejected"
            default: break
            }
            let value = test.value.rounded() == test.value && abs(test.value) < 1e15 ? String(Int(test.value)) : "\(test.value)"
            return "\(test.observable.rawValue) \(test.comparison.rawValue) \(value)"
        }.joined(separator: " and ")
    }
}
