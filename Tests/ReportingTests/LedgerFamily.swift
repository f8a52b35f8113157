import Experiments
import SimulationKernel
import Vocabulary

/// A family for the detail-table tests: a run walks a small chain of nodes and reports per node
/// its visits and cost (table `nodes`) and per edge its calls (table `edges`). Node names are
/// awkward text on purpose — commas, quotes, a tab, line breaks, a pipe, a backslash, non-ASCII
/// — since a real family's keys are free text.
enum LedgerFamily: ScenarioFamily {
    static let name = "ledger"
    static let summary = "a chain of nodes that reports figures per node and edge (a test)"

    struct Scenario: Sendable {
        var nodes: Int
    }

    enum Strategy: Sendable {
        /// Rows for every node and edge.
        case full
        /// Rows for every node, cost undefined; no edges.
        case sparse
        /// No detail rows at all.
        case silent
    }

    static let strategies: [StrategyDeclaration<Strategy>] = [
        StrategyDeclaration("full", "every node and edge") { _ in .full },
        StrategyDeclaration("sparse", "nodes only, cost undefined") { _ in .sparse },
        StrategyDeclaration("silent", "no detail rows") { _ in .silent },
    ]

    static let metrics: [MetricDeclaration<Double>] = [
        MetricDeclaration("visits", unit: "count", .neutral, key: true, "visits over all nodes") { $0 },
    ]

    static let details = [
        DetailTable("stops", keys: ["node"], figures: [
            FigureDescriptor("visits", unit: "count", "times the run entered the node"),
            FigureDescriptor("cost", unit: "money", "spent at the node"),
        ], "A node of the chain."),
        DetailTable("links", keys: ["from", "to"], figures: [
            FigureDescriptor("calls", unit: "count", "calls along the edge"),
        ], "A link between two nodes"),
    ]

    static let nodeNames = ["plain", "comma, \"quoted\"", "tab\there", "line\nbreak", "pipe | ünïcødé 🙂", "back\\slash\r\n"]

    static func read(_ root: YAMLNode, name: String, in file: ConfigFile) -> Scenario? {
        guard let fields = Fields(root, in: file, what: "scenario", allowed: ["name", "family", "description", "nodes"]),
              let nodes = fields.integer("nodes", what: "scenario", in: 1...nodeNames.count) else { return nil }
        return Scenario(nodes: nodes)
    }

    static func footprint(of scenario: Scenario) -> Footprint { Footprint(events: Double(scenario.nodes), bytes: 1024) }

    /// Visits per node are drawn from the workload (0 to 3), so replications differ; cost is
    /// undefined for a node never visited.
    static func run(_ scenario: Scenario, strategy: Strategy, streams: RunStreams, deadline: WallClockDeadline) -> RunOutcome {
        let load = streams.workload.stream("load")
        let visits = (0..<scenario.nodes).map { _ in Double(load.integer(below: 4)) }
        let names = Array(nodeNames.prefix(scenario.nodes))
        let nodes = zip(names, visits).map { name, v in
            DetailRow(keys: [name], values: [v, strategy == .sparse || v == 0 ? .nan : v * 0.25 + 0.1])
        }
        let edges = zip(names, names.dropFirst()).enumerated().map { i, pair in
            DetailRow(keys: [pair.0, pair.1], values: [min(visits[i], visits[i + 1])])
        }
        let details: [[DetailRow]] = switch strategy {
        case .full: [nodes, edges]
        case .sparse: [nodes, []]
        case .silent: []
        }
        return RunOutcome(stopReason: .drained, events: scenario.nodes, metrics: [visits.reduce(0, +)], details: details)
    }

    /// The registry of the tests: the built-ins and this family.
    static let registry = try! Registry.builtIn.adding(families: [Family(LedgerFamily.self)])

    /// A folder with a ledger scenario of `nodes` nodes and a suite running it under
    /// `strategies` (with a grid over the nodes when `grid`).
    static func suite(strategies: [String] = ["full", "sparse", "silent"], replications: Int = 3,
                      grid: Bool = true) throws -> String {
        try TestFolders.make(["ledger.yaml": "family: ledger\nname: ledger\nnodes: 6\n", "suite.yaml": """
            name: ledger
            seed: 5
            replications: \(replications)
            scenarios:
              - path: ledger.yaml
                strategies: [\(strategies.joined(separator: ", "))]
            \(grid ? "    grid: {nodes: [2, 6]}" : "")

            """]) + "/suite.yaml"
    }

    static func load(_ path: String) throws -> Suite { try SuiteLoader.load(path: path, registry: registry) }
}
