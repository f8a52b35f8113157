import Foundation
import SimulationKernel
import Vocabulary

/// How a commons agent decides its harvest each round.
public enum HarvestScript: String, Sendable, CaseIterable {
    /// Takes its share of a sustainable yield: of the MSY while the stock is at or above K/2
    /// (which draws the stock down towards K/2 and no further), of the regrowth g(x) below it
    /// (which holds the stock where it is).
    case sustainable
    /// Takes as much as it can (its capacity) every round.
    case greedy
    /// Sustainable while at most `tolerance` of the others over-harvested in the previous
    /// round, greedy otherwise.
    case conditional
}

/// A group of commons agents.
public struct HarvesterGroup: Sendable, Equatable {
    public var name: String
    public var count: Int
    public var script: HarvestScript
    /// Most it can harvest in one round.
    public var capacity: Double
    /// Conditional cooperators: the largest share of over-harvesting others they tolerate.
    public var tolerance: Double
    /// Round in which the group joins (0: from the start; newcomers join later).
    public var joins: Int

    public init(name: String, count: Int, script: HarvestScript, capacity: Double, tolerance: Double = 0.2, joins: Int = 0) {
        self.name = name
        self.count = count
        self.script = script
        self.capacity = capacity
        self.tolerance = tolerance
        self.joins = joins
    }
}

/// Model B: a renewable resource with logistic regrowth shared by harvesting agents.
///
/// Each round, from stock x: regrowth g(x) = r·x·(1 − x/K) is added, agents harvest H (at most
/// what is there), and x' = x + g(x) − H. The maximum sustainable yield is g(K/2) = rK/4.
/// The commons collapses when the stock falls below `collapseBelow · K`; nothing is harvested
/// after that.
public struct CommonsScenario: Sendable, Equatable {
    /// Harvest decisions after which a run stops when `event-budget` is not given.
    public static let defaultEventBudget = 50_000_000

    public var name: String
    public var rounds: Int
    public var capacity: Double
    public var growth: Double
    public var initial: Double
    public var collapseBelow: Double
    /// Standard deviation of the log of a per-round factor on the regrowth ("weather"),
    /// drawn from the workload stream `weather`, the same for every governance; 0: none.
    public var noise: Double
    public var groups: [HarvesterGroup]
    /// Harvest decisions (one per present agent per round, plus one per round) after which
    /// the run stops.
    public var eventBudget: Int

    public init(name: String, rounds: Int, capacity: Double, growth: Double, initial: Double, collapseBelow: Double = 0.05,
                noise: Double = 0, groups: [HarvesterGroup], eventBudget: Int = defaultEventBudget) {
        self.eventBudget = eventBudget
        self.name = name
        self.noise = noise
        self.rounds = rounds
        self.capacity = capacity
        self.growth = growth
        self.initial = initial
        self.collapseBelow = collapseBelow
        self.groups = groups
    }

    /// rK/4.
    public var maximumSustainableYield: Double { growth * capacity / 4 }

    public func regrowth(_ x: Double) -> Double { growth * x * (1 - x / capacity) }
}

/// How the commons is governed: the orchestration strategy of the commons family.
public enum Governance: Sendable, Equatable {
    /// Agents harvest what their scripts say.
    case none
    /// Each agent may take at most quota · MSY / n (n: agents present).
    case centralQuota(quota: Double)
    /// Every round agents vote a total quota — sustainable and conditional agents vote the
    /// MSY, greedy ones their capacity times n — and the (lower) median vote is the quota,
    /// split evenly.
    case votedQuota
    /// No cap, but each agent is audited with `probability` each round; one caught above its
    /// share of the MSY pays `fine` per unit of excess and complies for `deterrence` rounds.
    /// Greedy agents comply throughout when probability × fine ≥ 1 (the expected sanction
    /// exceeds the gain).
    case monitoring(probability: Double, fine: Double, deterrence: Double)

    /// The family's governance regimes, each declared once.
    public static let catalogue: [StrategyDeclaration<Governance>] = [
        StrategyDeclaration("none", "no governance: every agent harvests what its script says") { _ in .none },
        StrategyDeclaration("central-quota", "a central quota, quota × MSY per round, split evenly", parameters: [
            ParameterDescriptor("quota", default: 1, range: 0...100, "total quota as a multiple of the MSY rK/4"),
        ]) { p in .centralQuota(quota: p["quota"]) },
        StrategyDeclaration("voted-quota", "agents vote a total quota each round; the median vote is split evenly") { _ in
            .votedQuota
        },
        StrategyDeclaration("monitoring", "random audits with fines for harvesting above the sustainable share", parameters: [
            ParameterDescriptor("probability", default: 0.3, range: 0...1, "chance that an agent is audited in a round"),
            ParameterDescriptor("fine", default: 2, range: 0...1e6, "fine per unit harvested above the share of the MSY"),
            ParameterDescriptor("deterrence", default: 5, range: 0...1e6, "rounds a caught agent then complies"),
        ]) { p in .monitoring(probability: p["probability"], fine: p["fine"], deterrence: p["deterrence"]) },
    ]
}

/// What a commons run produced.
public struct CommonsResult: Sendable {
    /// Stock at the start of each round, and after the last.
    public var stock: [Double]
    /// Rounds completed before the collapse (the horizon without one).
    public var survival: Int
    public var collapsed: Bool
    /// `drained` when the rounds ran out or the stock collapsed; otherwise the limit that
    /// cut the run short (its survival is then the rounds played).
    public var stopReason: StopReason = .drained
    /// Total harvested per agent, net of fines.
    public var gains: [Double]
    public var totalHarvest: Double
    /// Rounds in which the total harvest exceeded the maximum sustainable yield.
    public var overUseRounds: Int
    public var fines: Double
}

/// Runs the commons round by round.
public enum CommonsModel {
    /// `weather` draws the regrowth noise (workload); `stream` the audits (strategy).
    public static func run(_ scenario: CommonsScenario, governance: Governance, weather: RandomStream,
                           stream: RandomStream) -> CommonsResult {
        var meter = EventMeter(budget: scenario.eventBudget)
        return run(scenario, governance: governance, weather: weather, stream: stream, meter: &meter)
    }

    /// The same, stopping early with `meter`'s reason when its budget or deadline is spent.
    public static func run(_ scenario: CommonsScenario, governance: Governance, weather: RandomStream,
                           stream: RandomStream, meter: inout EventMeter) -> CommonsResult {
        struct Agent {
            let group: Int
            let script: HarvestScript
            let capacity: Double
            let tolerance: Double
            let joins: Int
            var gain = 0.0
            var compliantUntil = -1
            var overHarvested = false
        }
        var agents: [Agent] = []
        for (g, group) in scenario.groups.enumerated() {
            for _ in 0..<group.count {
                agents.append(Agent(group: g, script: group.script, capacity: group.capacity,
                                    tolerance: group.tolerance, joins: group.joins))
            }
        }
        let msy = scenario.maximumSustainableYield
        var x = scenario.initial
        var stock = [x]
        var total = 0.0, fines = 0.0
        var overUse = 0
        var survival = scenario.rounds
        var collapsed = false
        var lastOverShare = 0.0
        var request = Array(repeating: 0.0, count: agents.count)
        var stop = StopReason.drained
        for round in 0..<scenario.rounds {
            let present = agents.indices.filter { agents[$0].joins <= round }
            if let reason = meter.spend(present.count + 1) {
                stop = reason
                survival = round
                break
            }
            let n = Double(present.count)
            var growth = scenario.regrowth(x)
            if scenario.noise > 0 { growth *= weather.lognormal(mu: 0, sigma: scenario.noise) }
            let available = x + growth
            let sustainableYield = x >= scenario.capacity / 2 ? msy : growth
            let share = sustainableYield / max(n, 1)
            let fairShare = msy / max(n, 1)
            // Scripts.
            for i in present {
                let a = agents[i]
                var greedy: Bool
                switch a.script {
                case .sustainable: greedy = false
                case .greedy: greedy = true
                case .conditional: greedy = lastOverShare > a.tolerance
                }
                if case .monitoring(let p, let fine, _) = governance, greedy,
                   (a.script == .greedy && p * fine >= 1) || round <= a.compliantUntil {
                    greedy = false
                }
                request[i] = min(a.capacity, greedy ? a.capacity : max(share, 0))
            }
            // Governance caps.
            var cap = Double.infinity
            switch governance {
            case .none, .monitoring: break
            case .centralQuota(let quota): cap = quota * msy / max(n, 1)
            case .votedQuota:
                var votes = present.map { agents[$0].script == .greedy ? agents[$0].capacity * n : msy }.sorted()
                if votes.isEmpty { votes = [msy] }
                cap = votes[(votes.count - 1) / 2] / max(n, 1)
            }
            var harvest = present.map { min(request[$0], cap) }
            let wanted = harvest.reduce(0, +)
            if wanted > available && wanted > 0 {
                let scale = available / wanted
                harvest = harvest.map { $0 * scale }
            }
            let taken = harvest.reduce(0, +)
            // Over-harvesting (above the share of the regrowth) as the others will see it.
            var over = 0
            for (k, i) in present.enumerated() {
                agents[i].gain += harvest[k]
                agents[i].overHarvested = harvest[k] > max(share, 0) * (1 + 1e-9) + 1e-12
                if agents[i].overHarvested { over += 1 }
                if case .monitoring(let p, let fine, let deterrence) = governance, stream.uniform() < p,
                   harvest[k] > fairShare * (1 + 1e-9) {
                    let penalty = fine * (harvest[k] - fairShare)
                    agents[i].gain -= penalty
                    fines += penalty
                    agents[i].compliantUntil = round + Int(deterrence)
                }
            }
            lastOverShare = n > 1 ? Double(over) / n : 0
            if taken > msy * (1 + 1e-9) { overUse += 1 }
            total += taken
            x = available - taken
            stock.append(x)
            if x < scenario.collapseBelow * scenario.capacity {
                survival = round + 1
                collapsed = true
                break
            }
        }
        var result = CommonsResult(stock: stock, survival: collapsed || stop != .drained ? survival : scenario.rounds,
                                   collapsed: collapsed, gains: agents.map(\.gain), totalHarvest: total,
                                   overUseRounds: overUse, fines: fines)
        result.stopReason = stop
        return result
    }
}
