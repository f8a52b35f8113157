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

    public var pointLabel: String { RunSpec.pointLabel(point) }

    static func pointLabel(_ point: [(key: String, value: String)]) -> String {
        point.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    /// Identity of the workload: everything but the strategy, so every strategy of a
    /// replication draws the same workload (common random numbers).
    public var workloadIdentity: String {
        RunSpec.workloadPrefix(seed: baseSeed, scenario: scenario.name, pointLabel: pointLabel) + String(replication)
    }

    /// Identity of the run; its strategy streams are seeded from it. Stable across
    /// invocations, machines and `--jobs`: it never depends on the run's position.
    public var identity: String { workloadIdentity + RunSpec.strategySeparator + strategy.label }

    /// The workload identity up to its replication number, and what comes between the
    /// replication and the strategy's label: `seed=S|scenario=N|point=P|rep=` R `|strategy=` L.
    static func workloadPrefix(seed: UInt64, scenario: String, pointLabel: String) -> String {
        "seed=\(seed)|scenario=\(scenario)|point=\(pointLabel)|rep="
    }
    static let strategySeparator = "|strategy="
}

/// Every run of a suite, in a fixed order: scenario entries as listed, grid points in grid
/// order, replications, then strategies (so a replication's strategies sit together, and the
/// runs of one scenario at one grid point — a comparison group — are consecutive).
///
/// The runs are computed from their position when asked for, not stored: a plan of a million
/// runs takes the memory of its suite, not of a million specs.
public struct RunPlan: Sendable {
    public let suite: Suite
    public let runs: Runs

    public init(suite: Suite) {
        self.suite = suite
        self.runs = Runs(suite: suite)
    }

    /// The runs of `suite` in `shard` (see `Shard`), in plan order, keeping their plan indices
    /// and identities; computed from their position like a whole plan's.
    public init(suite: Suite, shard: Shard) {
        self.suite = suite
        self.runs = Runs(suite: suite, shard: shard)
    }

    /// Some of `suite`'s runs (a sample), keeping their indices and identities.
    public init(suite: Suite, runs: [RunSpec]) {
        self.suite = suite
        self.runs = Runs(explicit: runs)
    }

    /// FNV-1a of `"\n" + identity` for every run in plan order, continuing from `hash`: the
    /// bytes of the identities, hashed without building them one by one (a plan of a million
    /// runs has 100 MB of them).
    func fnv1aOfIdentities(continuing hash: UInt64) -> UInt64 {
        var hash = hash
        func add(_ bytes: [UInt8]) { hash = bytes.withUnsafeBytes { StableHash.fnv1a($0, continuing: hash) } }
        guard runs.isWhole else {
            for run in runs { add(Array(("\n" + run.identity).utf8)) }
            return hash
        }
        let separator = Array(RunSpec.strategySeparator.utf8)
        for entry in suite.entries {
            let labels = entry.strategies.map { Array($0.label.utf8) }
            for point in entry.points {
                let prefix = Array(("\n" + RunSpec.workloadPrefix(seed: suite.seed, scenario: point.scenario.name,
                                                                 pointLabel: RunSpec.pointLabel(point.label))).utf8)
                for replication in 0..<entry.replications {
                    let number = Array(String(replication).utf8)
                    for label in labels {
                        add(prefix)
                        add(number)
                        add(separator)
                        add(label)
                    }
                }
            }
        }
        return hash
    }

    /// Grid keys used anywhere in the plan, in order of first appearance (CSV columns).
    public var gridKeys: [String] {
        var keys: [String] = []
        for entry in suite.entries where runs.covers(entry) {
            for point in entry.points { for (key, _) in point.label where !keys.contains(key) { keys.append(key) } }
        }
        return keys
    }

    /// Families in the plan, in order of first appearance.
    public var families: [Family] {
        var families: [Family] = []
        for entry in suite.entries where runs.covers(entry) {
            let family = entry.points[0].scenario.family
            if !families.contains(family) { families.append(family) }
        }
        return families
    }

    /// A plan's runs in plan order, each made from its position on demand (or a stored sample).
    public struct Runs: RandomAccessCollection, Sendable {
        /// Where each entry's runs start (for a whole suite), and the entry count at the end.
        private let starts: [Int]
        private let suite: Suite?
        private let explicit: [RunSpec]
        /// The shard whose runs these are (nil: the whole plan).
        private let shard: Shard?

        init(suite: Suite, shard: Shard? = nil) {
            var starts = [0]
            for entry in suite.entries {
                starts.append(starts.last! + entry.points.count * entry.replications * entry.strategies.count)
            }
            self.starts = starts
            self.suite = suite
            self.explicit = []
            self.shard = shard
        }

        init(explicit: [RunSpec]) {
            self.starts = []
            self.suite = nil
            self.explicit = explicit
            self.shard = nil
        }

        public var startIndex: Int { 0 }
        public var endIndex: Int {
            guard suite != nil else { return explicit.count }
            let total = starts.last!
            return shard?.runs(ofPlan: total) ?? total
        }

        /// The position among these runs of the run at plan index `planIndex`; nil when it is
        /// not one of them.
        public func position(ofPlanIndex planIndex: Int) -> Int? {
            guard suite != nil else {
                // A sample keeps its specs' indices in plan order.
                var low = 0, high = explicit.count
                while low < high {
                    let middle = (low + high) / 2
                    if explicit[middle].index < planIndex { low = middle + 1 } else { high = middle }
                }
                return low < explicit.count && explicit[low].index == planIndex ? low : nil
            }
            guard planIndex >= 0 else { return nil }
            guard let shard else { return planIndex < endIndex ? planIndex : nil }
            guard shard.contains(planIndex: planIndex) else { return nil }
            let position = shard.position(ofPlanIndex: planIndex)
            return position < endIndex ? position : nil
        }

        public subscript(local: Int) -> RunSpec {
            guard let suite else { return explicit[local] }
            precondition(local >= 0 && local < endIndex, "run index out of range")
            let position = shard?.planIndex(ofPosition: local) ?? local
            // The last entry starting at or before `position`.
            var low = 0, high = starts.count - 2
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= position { low = middle } else { high = middle - 1 }
            }
            let entry = suite.entries[low]
            let local = position - starts[low]
            let strategies = entry.strategies.count
            let perPoint = entry.replications * strategies
            let point = entry.points[local / perPoint]
            let within = local % perPoint
            return RunSpec(index: position, scenario: point.scenario, point: point.label,
                           strategy: entry.strategies[within % strategies], replication: within / strategies,
                           baseSeed: suite.seed)
        }

        /// Whether these are all the suite's runs, computed from it (not a sample or a shard).
        var isWhole: Bool { suite != nil && shard == nil }

        /// Whether some run of `entry` is among these runs.
        func covers(_ entry: Suite.Entry) -> Bool {
            guard suite == nil else { return true }
            let name = entry.points[0].scenario.name
            return explicit.contains { $0.scenario.name == name }
        }
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
