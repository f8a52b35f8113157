import SimulationKernel
import Statistics
import Vocabulary

/// The resource-allocation family (model A): mechanisms allocate a perishable per-period
/// supply among bidders with private needs and values.
public enum ResourceAllocationFamily {
    public static let name = "resource-allocation"
    public static let summary = "bidders with private needs and values compete for a per-period supply under a mechanism"

    public static let metrics: [MetricDescriptor] = [
        MetricDescriptor("welfare", unit: "value", .higherIsBetter, key: true,
                         "Σ value per unit × units received up to the need (payments are transfers)"),
        MetricDescriptor("utilisation", unit: "fraction", .higherIsBetter, key: true,
                         "units received up to needs / units supplied"),
        MetricDescriptor("revenue", unit: "money", .neutral, "Σ payments (auctions and pay-as-bid shares)"),
        MetricDescriptor("fairness", unit: "index", .higherIsBetter, key: true,
                         "Jain's index over bidders' satisfaction (units up to need / need)"),
        MetricDescriptor("equality", unit: "index", .higherIsBetter, "1 − Gini over bidders' satisfaction"),
        MetricDescriptor("envy", unit: "fraction", .lowerIsBetter, key: true,
                         "bidders who would rather have another's units at its payment"),
        MetricDescriptor("starvation", unit: "fraction", .lowerIsBetter, key: true,
                         "bidders whose need was not met within the starvation bound of their arrival"),
        MetricDescriptor("bidders", unit: "bidders", .neutral, "bidders who arrived"),
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
        let satisfaction = bidders.map { $0.useful / $0.need }
        var envious = 0
        for i in bidders.indices {
            let own = bidders[i].utility
            for j in bidders.indices where j != i {
                let theirs = bidders[i].value * min(bidders[j].received, bidders[i].need) - bidders[j].paid
                if theirs > own + 1e-9 { envious += 1; break }
            }
        }
        let starved = bidders.filter { b in
            let waited = (b.satisfiedAt ?? scenario.periods - 1) - b.arrival
            return waited > scenario.starvationBound
        }.count
        let supplied = supply.reduce(0, +)
        let n = Double(bidders.count)
        return [
            bidders.reduce(0) { $0 + $1.value * $1.useful },
            supplied > 0 ? bidders.reduce(0) { $0 + $1.useful } / supplied : .nan,
            bidders.reduce(0) { $0 + $1.paid },
            Sample.jainIndex(satisfaction),
            bidders.isEmpty ? .nan : 1 - Sample.gini(satisfaction),
            bidders.isEmpty ? .nan : Double(envious) / n,
            bidders.isEmpty ? .nan : Double(starved) / n,
            n,
        ]
    }
}

/// The commons family (model B): governance strategies for a shared renewable resource.
public enum CommonsFamily {
    public static let name = "commons"
    public static let summary = "agents harvest a shared renewable resource with logistic regrowth under a governance regime"

    public static let metrics: [MetricDescriptor] = [
        MetricDescriptor("survival-time", unit: "rounds", .higherIsBetter, key: true,
                         "rounds until the stock collapsed (the horizon if it never did)"),
        MetricDescriptor("collapse", unit: "fraction", .lowerIsBetter, key: true, binary: true,
                         "1 when the stock fell below the collapse threshold, else 0"),
        MetricDescriptor("total-gain", unit: "units", .higherIsBetter, key: true, "Σ harvested over the run"),
        MetricDescriptor("efficiency", unit: "fraction", .higherIsBetter,
                         "total gain / (MSY × rounds), the best sustainable total"),
        MetricDescriptor("over-usage", unit: "fraction", .lowerIsBetter,
                         "share of rounds played in which the total harvest exceeded the MSY"),
        MetricDescriptor("final-stock", unit: "fraction of K", .higherIsBetter, key: true, "stock at the end / capacity"),
        MetricDescriptor("fairness", unit: "index", .higherIsBetter, "Jain's index over agents' gains net of fines"),
        MetricDescriptor("equality", unit: "index", .higherIsBetter, key: true, "1 − Gini over agents' gains net of fines"),
        MetricDescriptor("fines", unit: "units", .neutral, "Σ fines paid under monitoring"),
    ]

    public static func run(_ scenario: CommonsScenario, governance: Governance, workload: RandomStreams,
                           strategy: RandomStreams, deadline: WallClockDeadline = .none)
        -> (result: CommonsResult, metrics: [Double]) {
        var meter = EventMeter(budget: scenario.eventBudget, deadline: deadline)
        let result = CommonsModel.run(scenario, governance: governance, weather: workload.stream("weather"),
                                      stream: strategy.stream("strategy"), meter: &meter)
        let gains = result.gains.map { max($0, 0) }
        let played = max(result.survival, 1)
        let metrics = [
            Double(result.survival),
            result.collapsed ? 1 : 0,
            result.totalHarvest,
            result.totalHarvest / (scenario.maximumSustainableYield * Double(scenario.rounds)),
            Double(result.overUseRounds) / Double(played),
            (result.collapsed ? 0 : result.stock.last!) / scenario.capacity,
            Sample.jainIndex(gains),
            gains.isEmpty ? .nan : 1 - Sample.gini(gains),
            result.fines,
        ]
        return (result, metrics)
    }
}
