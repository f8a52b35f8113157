import SimulationKernel
import Statistics
import Vocabulary

/// The resource-allocation family (model A): mechanisms allocate a perishable per-period
/// supply among bidders with private needs and values.
public enum ResourceAllocationFamily {
    public static let name = "resource-allocation"
    public static let summary = "bidders with private needs and values compete for a per-period supply under a mechanism"

    public static let metrics: [MetricDeclaration<MarketOutcome>] = [
        MetricDeclaration("welfare", unit: "value", .higherIsBetter, key: true,
                          "Σ value per unit × units received up to the need (payments are transfers)") { r in
            r.bidders.reduce(0) { $0 + $1.value * $1.useful }
        },
        MetricDeclaration("utilisation", unit: "fraction", .higherIsBetter, key: true,
                          "units received up to needs / units supplied") { r in
            r.supplied > 0 ? r.bidders.reduce(0) { $0 + $1.useful } / r.supplied : .nan
        },
        MetricDeclaration("revenue", unit: "money", .neutral, "Σ payments (auctions and pay-as-bid shares)") { r in
            r.bidders.reduce(0) { $0 + $1.paid }
        },
        MetricDeclaration("fairness", unit: "index", .higherIsBetter, key: true,
                          "Jain's index over bidders' satisfaction (units up to need / need)") { r in
            Sample.jainIndex(r.satisfaction)
        },
        MetricDeclaration("equality", unit: "index", .higherIsBetter, "1 − Gini over bidders' satisfaction") { r in
            r.bidders.isEmpty ? .nan : 1 - Sample.gini(r.satisfaction)
        },
        MetricDeclaration("envy", unit: "fraction", .lowerIsBetter, key: true,
                          "bidders who would rather have another's units at its payment") { r in
            r.bidders.isEmpty ? .nan : Double(r.envious) / Double(r.bidders.count)
        },
        MetricDeclaration("starvation", unit: "fraction", .lowerIsBetter, key: true,
                          "bidders whose need was not met within the starvation bound of their arrival") { r in
            r.bidders.isEmpty ? .nan : Double(r.starved) / Double(r.bidders.count)
        },
        MetricDeclaration("bidders", unit: "bidders", .neutral, "bidders who arrived") { r in Double(r.bidders.count) },
    ]

    /// Runs `scenario` under `mechanism`; the workload is drawn from `workload`, the lottery
    /// from `strategy`.
    public static func run(_ scenario: MarketScenario, mechanism: Mechanism, workload: RandomStreams,
                           strategy: RandomStreams, deadline: WallClockDeadline = .none)
        -> (bidders: [Bidder], metrics: [Double], stop: StopReason) {
        let drawn = MarketWorkload(scenario, streams: workload)
        var meter = EventMeter(budget: scenario.eventBudget, deadline: deadline)
        let (bidders, stop) = MarketModel.run(scenario, workload: drawn, mechanism: mechanism,
                                              stream: strategy.stream("strategy"), meter: &meter)
        return (bidders, score(bidders, scenario: scenario, supply: drawn.supply), stop)
    }

    static func score(_ bidders: [Bidder], scenario: MarketScenario, supply: [Double]) -> [Double] {
        metrics.values(of: MarketOutcome(bidders, scenario: scenario, supply: supply))
    }
}

/// The commons family (model B): governance strategies for a shared renewable resource.
public enum CommonsFamily {
    public static let name = "commons"
    public static let summary = "agents harvest a shared renewable resource with logistic regrowth under a governance regime"

    public static let metrics: [MetricDeclaration<CommonsOutcome>] = [
        MetricDeclaration("survival-time", unit: "rounds", .higherIsBetter, key: true,
                          "rounds until the stock collapsed (the horizon if it never did)") { r in Double(r.result.survival) },
        MetricDeclaration("collapse", unit: "fraction", .lowerIsBetter, key: true, binary: true,
                          "1 when the stock fell below the collapse threshold, else 0") { r in r.result.collapsed ? 1 : 0 },
        MetricDeclaration("total-gain", unit: "units", .higherIsBetter, key: true, "Σ harvested over the run") { r in
            r.result.totalHarvest
        },
        MetricDeclaration("efficiency", unit: "fraction", .higherIsBetter,
                          "total gain / (MSY × rounds), the best sustainable total") { r in
            r.result.totalHarvest / (r.scenario.maximumSustainableYield * Double(r.scenario.rounds))
        },
        MetricDeclaration("over-usage", unit: "fraction", .lowerIsBetter,
                          "share of rounds played in which the total harvest exceeded the MSY") { r in
            Double(r.result.overUseRounds) / Double(max(r.result.survival, 1))
        },
        MetricDeclaration("final-stock", unit: "fraction of K", .higherIsBetter, key: true, "stock at the end / capacity") { r in
            (r.result.collapsed ? 0 : r.result.stock.last!) / r.scenario.capacity
        },
        MetricDeclaration("fairness", unit: "index", .higherIsBetter, "Jain's index over agents' gains net of fines") { r in
            Sample.jainIndex(r.gains)
        },
        MetricDeclaration("equality", unit: "index", .higherIsBetter, key: true, "1 − Gini over agents' gains net of fines") {
            r in r.gains.isEmpty ? .nan : 1 - Sample.gini(r.gains)
        },
        MetricDeclaration("fines", unit: "units", .neutral, "Σ fines paid under monitoring") { r in r.result.fines },
    ]

    public static func run(_ scenario: CommonsScenario, governance: Governance, workload: RandomStreams,
                           strategy: RandomStreams, deadline: WallClockDeadline = .none)
        -> (result: CommonsResult, metrics: [Double]) {
        var meter = EventMeter(budget: scenario.eventBudget, deadline: deadline)
        let result = CommonsModel.run(scenario, governance: governance, weather: workload.stream("weather"),
                                      stream: strategy.stream("strategy"), meter: &meter)
        let metrics = Self.metrics.values(of: CommonsOutcome(result: result, scenario: scenario))
        return (result, metrics)
    }
}

/// What the resource-allocation metrics are computed from: the bidders at the end, and the
/// counts several metrics share.
public struct MarketOutcome {
    public let bidders: [Bidder]
    /// Units received up to need / need, per bidder.
    public let satisfaction: [Double]
    /// Bidders who would rather have another's units at its payment: i envies j ≠ i when
    /// vᵢ·min(rⱼ, nᵢ) − pⱼ > uᵢ + 10⁻⁹ (`Envy`, which counts them in O(n log n)).
    public let envious: Int
    /// Bidders whose need was not met within the starvation bound of their arrival.
    public let starved: Int
    /// Units supplied over the run.
    public let supplied: Double

    init(_ bidders: [Bidder], scenario: MarketScenario, supply: [Double]) {
        self.bidders = bidders
        satisfaction = bidders.map { $0.useful / $0.need }
        envious = Envy.count(value: bidders.map(\.value), need: bidders.map(\.need),
                             received: bidders.map(\.received), paid: bidders.map(\.paid))
        starved = bidders.filter { b in
            let waited = (b.satisfiedAt ?? scenario.periods - 1) - b.arrival
            return waited > scenario.starvationBound
        }.count
        supplied = supply.reduce(0, +)
    }
}

/// What the commons metrics are computed from: the run's result, its scenario, and the
/// agents' gains net of fines (negative ones counted as 0).
public struct CommonsOutcome {
    public let result: CommonsResult
    public let scenario: CommonsScenario
    public let gains: [Double]

    init(result: CommonsResult, scenario: CommonsScenario) {
        self.result = result
        self.scenario = scenario
        gains = result.gains.map { max($0, 0) }
    }
}
