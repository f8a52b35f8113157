import ResourceAllocation
import SimulationKernel
import Yams
import Vocabulary

/// Reads resource-allocation (market) scenarios (see README, "Family: resource allocation").
enum MarketScenarioReader {
    static let topKeys = ["name", "family", "description", "periods", "event-budget", "supply", "starvation-bound",
                          "bidders"]
    static let groupKeys = ["name", "count", "rate", "need", "value", "behaviour", "factor", "budget", "priority"]
    static let behaviours = ["truthful", "shading", "over-claiming", "budget"]

    static func read(_ root: Node, name: String, in file: ConfigFile) -> MarketScenario? {
        guard let top = Fields(root, in: file, what: "scenario", allowed: topKeys) else { return nil }
        let periods = top.integer("periods", what: "scenario", in: 1...1_000_000)
        let bound = top.integer("starvation-bound", what: "scenario", default: MarketScenario.defaultStarvationBound, in: 0...1_000_000)
        var supply: Distribution?
        var divisible: Bool? = true
        if let node = top.required("supply", what: "scenario"),
           let fields = Fields(node, in: file, what: "supply", allowed: ["units", "divisible"]) {
            supply = fields.required("units", what: "supply").flatMap { file.distribution($0, field: "units") }
            if let flag = fields["divisible"] {
                switch flag.string {
                case "true": divisible = true
                case "false": divisible = false
                default:
                    file.error("divisible must be true or false", at: flag)
                    divisible = nil
                }
            }
        }
        var groups: [BidderGroup] = []
        var ok = true
        if let list = top.required("bidders", what: "scenario") {
            if case .sequence(let items) = list, !items.isEmpty {
                for item in items {
                    if let group = readGroup(item, in: file) { groups.append(group) } else { ok = false }
                }
                if ok && groups.allSatisfy({ $0.initial == 0 && $0.arrivalRate == 0 }) {
                    file.error("no bidder ever arrives: give a group a 'count' or a 'rate'", at: list)
                    ok = false
                }
            } else {
                file.error("bidders must be a non-empty list of bidder groups", at: list)
                ok = false
            }
        }
        let budget = top.eventBudget(default: MarketScenario.defaultEventBudget)
        guard ok, let periods, let bound, let supply, let divisible, let budget else { return nil }
        return MarketScenario(name: name, periods: periods, supply: supply, divisible: divisible, groups: groups,
                              starvationBound: bound, eventBudget: budget)
    }

    static func readGroup(_ node: Node, in file: ConfigFile) -> BidderGroup? {
        guard let fields = Fields(node, in: file, what: "bidder group", allowed: groupKeys),
              let name = fields.string("name", what: "bidder group", required: true) else { return nil }
        let what = "bidder group '\(name)'"
        let count = fields.integer("count", what: what, default: 0, in: 0...1_000_000)
        let rate = fields.number("rate", what: what, default: 0, in: 0...1e6)
        let need = fields.required("need", what: what).flatMap { file.distribution($0, field: "need") }
        let value = fields.required("value", what: what).flatMap { file.distribution($0, field: "value") }
        let priority = fields.number("priority", what: what, default: 0, in: -1e9...1e9)
        let kind = fields.string("behaviour", what: what) ?? "truthful"
        var behaviour: Behaviour?
        switch kind {
        case "truthful": behaviour = .truthful
        case "shading":
            behaviour = fields.number("factor", what: "\(what) (shading)", in: 0...1).map { .shading(factor: $0) }
        case "over-claiming":
            behaviour = fields.number("factor", what: "\(what) (over-claiming)", in: 1...1000).map { .overClaiming(factor: $0) }
        case "budget":
            behaviour = fields.number("budget", what: "\(what) (budget)", in: 0...1e12).map { .budgetConstrained(budget: $0) }
        default:
            file.error(unknownMessage("behaviour", kind, known: behaviours), at: fields["behaviour"])
        }
        if let f = fields["factor"], kind != "shading" && kind != "over-claiming" {
            file.error("'factor' applies to behaviours shading and over-claiming", at: f)
            return nil
        }
        if let b = fields["budget"], kind != "budget" {
            file.error("'budget' applies to behaviour budget", at: b)
            return nil
        }
        guard let count, let rate, let need, let value, let priority, let behaviour else { return nil }
        return BidderGroup(name: name, initial: count, arrivalRate: rate, need: need, value: value,
                           behaviour: behaviour, priority: priority)
    }
}

/// Reads commons scenarios (see README, "Family: commons").
enum CommonsScenarioReader {
    static let topKeys = ["name", "family", "description", "rounds", "event-budget", "resource", "agents"]

    static func read(_ root: Node, name: String, in file: ConfigFile) -> CommonsScenario? {
        guard let top = Fields(root, in: file, what: "scenario", allowed: topKeys) else { return nil }
        let rounds = top.integer("rounds", what: "scenario", in: 1...10_000_000)
        var resource: (Double, Double, Double, Double, Double)?
        if let node = top.required("resource", what: "scenario"),
           let fields = Fields(node, in: file, what: "resource",
                               allowed: ["capacity", "growth", "initial", "collapse-below", "noise"]),
           let noise = fields.number("noise", what: "resource", default: 0, in: 0...5),
           let capacity = fields.number("capacity", what: "resource", in: 0...1e15, exclusiveLower: true),
           let growth = fields.number("growth", what: "resource", in: 0...2, exclusiveLower: true),
           let collapse = fields.number("collapse-below", what: "resource", default: 0.05, in: 0...1) {
            if let initial = fields.number("initial", what: "resource", default: capacity, in: 0...1e15) {
                if initial > capacity {
                    file.error("initial stock \(formatNumber(initial)) exceeds the capacity \(formatNumber(capacity))",
                               at: fields["initial"])
                } else {
                    resource = (capacity, growth, initial, collapse, noise)
                }
            }
        }
        var groups: [HarvesterGroup] = []
        var ok = true
        if let list = top.required("agents", what: "scenario") {
            if case .sequence(let items) = list, !items.isEmpty {
                for item in items {
                    let keys = ["name", "count", "script", "capacity", "tolerance", "joins"]
                    guard let fields = Fields(item, in: file, what: "agent group", allowed: keys),
                          let name = fields.string("name", what: "agent group", required: true) else { ok = false; continue }
                    let what = "agent group '\(name)'"
                    let count = fields.integer("count", what: what, default: 1, in: 1...1_000_000)
                    let capacity = fields.number("capacity", what: what, in: 0...1e15)
                    let tolerance = fields.number("tolerance", what: what, default: 0.2, in: 0...1)
                    let joins = fields.integer("joins", what: what, default: 0, in: 0...10_000_000)
                    var script: HarvestScript?
                    if let node = fields.required("script", what: what), let text = fields.scalarString(node, field: "script") {
                        script = HarvestScript(rawValue: text)
                        if script == nil {
                            file.error(unknownMessage("script", text, known: HarvestScript.allCases.map(\.rawValue)), at: node)
                        }
                    }
                    guard let count, let capacity, let tolerance, let joins, let script else { ok = false; continue }
                    groups.append(HarvesterGroup(name: name, count: count, script: script, capacity: capacity,
                                                 tolerance: tolerance, joins: joins))
                }
            } else {
                file.error("agents must be a non-empty list of agent groups", at: list)
                ok = false
            }
        }
        let budget = top.eventBudget(default: CommonsScenario.defaultEventBudget)
        guard ok, let rounds, let resource, let budget else { return nil }
        return CommonsScenario(name: name, rounds: rounds, capacity: resource.0, growth: resource.1, initial: resource.2,
                               collapseBelow: resource.3, noise: resource.4, groups: groups, eventBudget: budget)
    }
}

extension ResourceAllocationFamily: ScenarioFamily {
    public static var strategies: [StrategyDeclaration<Mechanism>] { Mechanism.catalogue }


    public static func read(_ root: Node, name: String, in file: ConfigFile) -> MarketScenario? {
        MarketScenarioReader.read(root, name: name, in: file)
    }

    public static func footprint(of scenario: MarketScenario) -> Footprint { scenario.footprint }

    /// `events`: periods of the market.
    public static func run(_ scenario: MarketScenario, strategy: Mechanism, streams: RunStreams,
                           deadline: WallClockDeadline) -> RunOutcome {
        let outcome = run(scenario, mechanism: strategy, workload: streams.workload, strategy: streams.strategy,
                          deadline: deadline)
        return RunOutcome(stopReason: outcome.stop, events: scenario.periods, metrics: outcome.metrics)
    }
}

extension CommonsFamily: ScenarioFamily {
    public static var strategies: [StrategyDeclaration<Governance>] { Governance.catalogue }


    public static func read(_ root: Node, name: String, in file: ConfigFile) -> CommonsScenario? {
        CommonsScenarioReader.read(root, name: name, in: file)
    }

    public static func footprint(of scenario: CommonsScenario) -> Footprint { scenario.footprint }

    /// `events`: rounds survived (a collapse ends the run early, by the model's own rule).
    public static func run(_ scenario: CommonsScenario, strategy: Governance, streams: RunStreams,
                           deadline: WallClockDeadline) -> RunOutcome {
        let outcome = run(scenario, governance: strategy, workload: streams.workload, strategy: streams.strategy,
                          deadline: deadline)
        return RunOutcome(stopReason: outcome.result.stopReason, events: outcome.result.survival, metrics: outcome.metrics)
    }
}
