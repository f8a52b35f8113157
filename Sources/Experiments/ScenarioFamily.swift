import SimulationKernel
import Yams
import Vocabulary

/// What a scenario family provides: one conformance per family, named once in `Registry`.
///
/// A family reads its scenarios from YAML, declares its strategies and metrics, and runs a
/// scenario under a strategy. Randomness must come from `streams`: the workload (tasks,
/// domains, bidders — everything a strategy does not choose) from `streams.workload`, the
/// strategy's own choices from `streams.strategy`, each through named streams
/// (`streams.workload.stream("arrivals")`). Every strategy of a replication then faces the same
/// workload (common random numbers), and a run is a pure function of its identity.
///
/// A family that does not run on the event kernel still honours `deadline` and its scenario's
/// event budget (an `EventMeter` counts them), and counts `RunOutcome.events` in a unit its README names.
public protocol ScenarioFamily: SendableMetatype {
    associatedtype Scenario: Sendable
    associatedtype Strategy: Sendable
    /// What the metrics are computed from (the family's record of a finished run).
    associatedtype Result

    /// The name scenario files give in `family:`.
    static var name: String { get }
    /// One line for `coordbench list families`.
    static var summary: String { get }
    /// The strategies, each declared once (name, description, parameters, how it is built),
    /// in catalogue order.
    static var strategies: [StrategyDeclaration<Strategy>] { get }
    /// Strategies a scenario defines for itself (the agent-team family's orchestration
    /// graphs), after the catalogue's; none by default. Their names must differ from the
    /// catalogue's (the reader checks).
    static func strategies(in scenario: Scenario) -> [StrategyDeclaration<Strategy>]
    /// The metrics a run is scored on, each declared with its computation, in CSV column order.
    static var metrics: [MetricDeclaration<Result>] { get }
    /// The (quality ↑, cost ↓) metrics whose Pareto frontier the report draws, if any.
    static var frontier: (quality: String, cost: String)? { get }
    /// Tables of figures per item that a run reports beside its metrics (`RunOutcome.details`),
    /// each written to its own CSV file; none by default.
    static var details: [DetailTable] { get }

    /// Reads a scenario from its YAML tree (the whole file, `family:` and `name:` included),
    /// reporting every problem to `file` (`Fields` does the checking); nil when there was one.
    static func read(_ root: YAMLNode, name: String, in file: ConfigFile) -> Scenario?
    /// What one run of `scenario` is expected to cost (see `Footprint`).
    static func footprint(of scenario: Scenario) -> Footprint
    /// Runs `scenario` under `strategy`, stopping early at `deadline`; its metrics are `metrics`' values.
    static func run(_ scenario: Scenario, strategy: Strategy, streams: RunStreams, deadline: WallClockDeadline) -> RunOutcome
}

extension ScenarioFamily {
    public static var frontier: (quality: String, cost: String)? { nil }
    public static var details: [DetailTable] { [] }
    public static func strategies(in scenario: Scenario) -> [StrategyDeclaration<Strategy>] { [] }
}

/// A node of a parsed YAML file (Yams' `Node`), as a family's reader receives it.
public typealias YAMLNode = Node

/// A run's random streams: the workload's (seeded from the run's identity without its
/// strategy, so every strategy of a replication draws the same workload) and the strategy's own.
public struct RunStreams: Sendable {
    public let workload: RandomStreams
    public let strategy: RandomStreams

    public init(workloadIdentity: String, identity: String) {
        workload = RandomStreams(identity: workloadIdentity)
        strategy = RandomStreams(identity: identity)
    }
}

/// What one run produced.
public struct RunOutcome: Sendable, Equatable {
    public var stopReason: StopReason
    /// The run's work in the family's own unit (see each family's `RunOutcome` note in README:
    /// simulation events, offers, periods or rounds); what event budgets count.
    public var events: Int
    /// In the family's `metrics` order; NaN where a metric is undefined for the run.
    public var metrics: [Double]
    /// One array of rows per table of the family's `details`, in declaration order; empty
    /// when the run reports no detail rows.
    public var details: [[DetailRow]]

    public init(stopReason: StopReason, events: Int, metrics: [Double], details: [[DetailRow]] = []) {
        self.stopReason = stopReason
        self.events = events
        self.metrics = metrics
        self.details = details
    }
}

/// A registered family with its type erased: what suites, plans and reports need of it.
public struct Family: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let summary: String
    /// The family's own strategies, then any added with `adding(_:)`, in catalogue order.
    public let strategies: [StrategyDescriptor]
    public let metrics: [MetricDescriptor]
    public let frontier: (quality: String, cost: String)?
    /// The tables of figures per item its runs report beside their metrics.
    public let details: [DetailTable]
    let reader: any ScenarioReading

    public init<F: ScenarioFamily>(_ family: F.Type) {
        self.init(F.self, reader: Reader<F>(strategies: F.strategies))
    }

    init<F: ScenarioFamily>(_ family: F.Type, reader: Reader<F>) {
        name = F.name
        summary = F.summary
        strategies = reader.strategies.map(\.descriptor)
        metrics = F.metrics.descriptors()
        frontier = F.frontier
        details = F.details
        self.reader = reader
    }

    /// The family's name, as scenario files and CSV columns write it.
    public var rawValue: String { name }
    public var description: String { name }

    public static func == (a: Family, b: Family) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    func read(_ root: Node, name: String, in file: ConfigFile) -> ScenarioModel? {
        reader.read(root, name: name, in: file, family: self)
    }

    func strategy(named name: String, parameters: [String: Double]) -> (any Sendable)? {
        reader.strategy(named: name, parameters: parameters)
    }

    /// This family with `addition`'s strategies after its own; nil when `addition` is for
    /// another family. A name the family already has is refused by `Registry.adding`.
    func adding(_ addition: StrategyAddition) -> Family? {
        addition.family == name ? addition.extend(reader) : nil
    }
}

/// Strategies a user adds to an existing family (for example a division-of-labour
/// assignment rule), typed by that family so that they can only build its strategy type.
public struct StrategyAddition: Sendable {
    /// The family the strategies belong to.
    public let family: String
    /// Their descriptors, in the order given.
    public let strategies: [StrategyDescriptor]
    let extend: @Sendable (any ScenarioReading) -> Family?

    public init<F: ScenarioFamily>(_ family: F.Type, _ declarations: [StrategyDeclaration<F.Strategy>]) {
        self.family = F.name
        strategies = declarations.map(\.descriptor)
        extend = { reader in
            (reader as? Reader<F>).map { Family(F.self, reader: Reader<F>(strategies: $0.strategies + declarations)) }
        }
    }
}

/// Opens a family's types for the erased `Family`.
protocol ScenarioReading: Sendable {
    func read(_ root: Node, name: String, in file: ConfigFile, family: Family) -> ScenarioModel?
    func strategy(named name: String, parameters: [String: Double]) -> (any Sendable)?
}

struct Reader<F: ScenarioFamily>: ScenarioReading {
    /// The family's catalogue and any strategies added to it.
    let strategies: [StrategyDeclaration<F.Strategy>]

    func read(_ root: Node, name: String, in file: ConfigFile, family: Family) -> ScenarioModel? {
        F.read(root, name: name, in: file).map { ScenarioModel(family: family, payload: Payload<F>(scenario: $0)) }
    }

    func strategy(named name: String, parameters: [String: Double]) -> (any Sendable)? {
        strategies.make(name, parameters: parameters)
    }
}

/// A parsed scenario of some family.
public struct ScenarioModel: Sendable {
    public let family: Family
    let payload: any ScenarioPayload

    /// What one run of this scenario is expected to cost (see `Footprint`).
    public var footprint: Footprint { payload.footprint }

    /// The strategies this scenario can run under: its family's, then its own.
    public var strategies: [StrategyDescriptor] { family.strategies + payload.ownStrategies }

    /// The strategy `name` with `parameters`, from the family or the scenario; nil if unknown.
    func strategy(named name: String, parameters: [String: Double]) -> (any Sendable)? {
        family.strategy(named: name, parameters: parameters) ?? payload.ownStrategy(named: name, parameters: parameters)
    }

    /// This scenario bound to `strategy`, ready to run. A strategy is made by the scenario's
    /// family (`StrategyChoice(family:name:)`); one of another family is a programming error.
    public func bind(_ strategy: StrategyChoice) -> BoundRun {
        precondition(strategy.family == family, "strategy \(strategy.name) of family \(strategy.family) for a scenario of \(family)")
        return payload.bind(strategy.policy)
    }

    /// Runs this scenario under `strategy` (see `BoundRun.run`).
    public func run(_ strategy: StrategyChoice, workloadIdentity: String, identity: String,
                    deadline: WallClockDeadline = .none) -> RunOutcome {
        bind(strategy).run(workloadIdentity: workloadIdentity, identity: identity, deadline: deadline)
    }
}

protocol ScenarioPayload: Sendable {
    var footprint: Footprint { get }
    var ownStrategies: [StrategyDescriptor] { get }
    func ownStrategy(named name: String, parameters: [String: Double]) -> (any Sendable)?
    func bind(_ policy: any Sendable) -> BoundRun
}

struct Payload<F: ScenarioFamily>: ScenarioPayload {
    let scenario: F.Scenario
    var footprint: Footprint { F.footprint(of: scenario) }
    var ownStrategies: [StrategyDescriptor] { F.strategies(in: scenario).map(\.descriptor) }

    func ownStrategy(named name: String, parameters: [String: Double]) -> (any Sendable)? {
        F.strategies(in: scenario).make(name, parameters: parameters)
    }

    func bind(_ policy: any Sendable) -> BoundRun {
        BoundRun(Bound<F>(scenario: scenario, strategy: policy as! F.Strategy))
    }
}

/// A scenario and a strategy of the same family, typed together: the unit a runner runs.
/// One dynamic call per run; inside it everything is concrete.
public struct BoundRun: Sendable {
    let bound: any Runnable

    init(_ bound: any Runnable) { self.bound = bound }

    /// Runs with the workload streams seeded from `workloadIdentity` (no strategy in it) and
    /// the strategy's own from `identity`; `deadline` stops it early (stop reason `wall-clock`).
    public func run(workloadIdentity: String, identity: String, deadline: WallClockDeadline = .none) -> RunOutcome {
        bound.run(streams: RunStreams(workloadIdentity: workloadIdentity, identity: identity), deadline: deadline)
    }
}

protocol Runnable: Sendable {
    func run(streams: RunStreams, deadline: WallClockDeadline) -> RunOutcome
}

struct Bound<F: ScenarioFamily>: Runnable {
    let scenario: F.Scenario
    let strategy: F.Strategy

    /// Runs the family's code; detail rows that do not fit its declared tables are a
    /// programming error in the family.
    func run(streams: RunStreams, deadline: WallClockDeadline) -> RunOutcome {
        let outcome = F.run(scenario, strategy: strategy, streams: streams, deadline: deadline)
        if let mismatch = F.details.mismatch(outcome.details) {
            preconditionFailure("family \(F.name) reported \(mismatch)")
        }
        return outcome
    }
}

/// A strategy chosen in a suite: its catalogue name, the parameters set explicitly (in
/// catalogue order), the label it is reported under, and the strategy itself.
public struct StrategyChoice: Sendable {
    public let family: Family
    public let name: String
    public let parameters: [(name: String, value: Double)]
    public let label: String
    /// The family's own strategy value (an `F.Strategy`).
    let policy: any Sendable

    /// Resolves `name` in `family`'s catalogue; nil for an unknown name. Parameters must be
    /// known to the strategy and within range (checked by the suite reader).
    public init?(family: Family, name: String, parameters: [(name: String, value: Double)] = [], label: String? = nil) {
        self.init(family: family, descriptors: family.strategies, name: name, parameters: parameters, label: label) {
            family.strategy(named: $0, parameters: $1)
        }
    }

    /// Resolves `name` among `scenario`'s strategies: its family's and its own (an agent-team
    /// scenario's orchestration graphs).
    public init?(scenario: ScenarioModel, name: String, parameters: [(name: String, value: Double)] = [],
                 label: String? = nil) {
        self.init(family: scenario.family, descriptors: scenario.strategies, name: name, parameters: parameters,
                  label: label) { scenario.strategy(named: $0, parameters: $1) }
    }

    private init?(family: Family, descriptors: [StrategyDescriptor], name: String, parameters: [(name: String, value: Double)],
                  label: String?, make: (String, [String: Double]) -> (any Sendable)?) {
        guard let descriptor = descriptors.first(where: { $0.name == name }) else { return nil }
        let ordered = descriptor.parameters.compactMap { p in
            parameters.first { $0.name == p.name }.map { (name: p.name, value: $0.value) }
        }
        guard let policy = make(name, Dictionary(uniqueKeysWithValues: ordered.map { ($0.name, $0.value) })) else { return nil }
        self.family = family
        self.name = name
        self.parameters = ordered
        self.policy = policy
        self.label = label ?? (ordered.isEmpty ? name : name + "(" + ordered.map { p in
            "\(p.name)=" + descriptor.parameters.first { $0.name == p.name }!.format(p.value)
        }.joined(separator: ",") + ")")
    }
}
