import SimulationKernel

/// One run: a scenario (at one grid point) under one strategy, in one replication.
public struct RunSpec: Sendable {
    /// Position in the plan; rows are written in this order.
    public let index: Int
    public let scenario: Scenario
    public let point: [(key: String, value: String)]
    public let strategy: StrategyChoice
    public let replication: Int
    public let baseSeed: UInt64

    /// `key=value;key=value` of the grid point ("" without a grid).
    public init(index: Int, scenario: Scenario, point: [(key: String, value: String)], strategy: StrategyChoice,
                replication: Int, baseSeed: UInt64) {
        self.index = index
        self.scenario = scenario
        self.point = point
        self.strategy = strategy
        self.replication = replication
        self.baseSeed = baseSeed
    }

    public var pointLabel: String { point.map { "\($0.key)=\($0.value)" }.joined(separator: ";") }

    /// Identity of the workload: everything but the strategy, so every strategy of a
    /// replication draws the same workload (common random numbers).
    public var workloadIdentity: String {
        "seed=\(baseSeed)|scenario=\(scenario.name)|point=\(pointLabel)|rep=\(replication)"
    }

    /// Identity of the run; its strategy streams are seeded from it. Stable across
    /// invocations, machines and `--jobs`: it never depends on the run's position.
    public var identity: String { workloadIdentity + "|strategy=\(strategy.label)" }
}

/// Every run of a suite, in a fixed order: scenario entries as listed, grid points in grid
/// order, replications, then strategies (so a replication's strategies sit together).
public struct RunPlan: Sendable {
    public let suite: Suite
    public let runs: [RunSpec]

    public init(suite: Suite) {
        self.suite = suite
        var runs: [RunSpec] = []
        for entry in suite.entries {
            for point in entry.points {
                for replication in 0..<entry.replications {
                    for strategy in entry.strategies {
                        runs.append(RunSpec(index: runs.count, scenario: point.scenario, point: point.label,
                                            strategy: strategy, replication: replication, baseSeed: suite.seed))
                    }
                }
            }
        }
        self.runs = runs
    }

    /// Some of `suite`'s runs (a sample), keeping their indices and identities.
    public init(suite: Suite, runs: [RunSpec]) {
        self.suite = suite
        self.runs = runs
    }

    /// Grid keys used anywhere in the plan, in order of first appearance (CSV columns).
    public var gridKeys: [String] {
        var keys: [String] = []
        for run in runs { for (key, _) in run.point where !keys.contains(key) { keys.append(key) } }
        return keys
    }

    /// Families in the plan, in order of first appearance.
    public var families: [Family] {
        var families: [Family] = []
        for run in runs where !families.contains(run.scenario.family) { families.append(run.scenario.family) }
        return families
    }
}

/// A finished run: its spec and what it produced.
public struct RunRecord: Sendable {
    public let spec: RunSpec
    public let outcome: RunOutcome

    public init(spec: RunSpec, outcome: RunOutcome) {
        self.spec = spec
        self.outcome = outcome
    }
}
