import SimulationKernel
import Vocabulary

/// How a bidder states its demand and its bid.
public enum Behaviour: Sendable, Equatable {
    /// Claims its true need and bids its true value per unit.
    case truthful
    /// Claims its need and bids `factor` × value (factor < 1 shades the bid).
    case shading(factor: Double)
    /// Claims `factor` × need (rounded up for indivisible units) and bids its value.
    case overClaiming(factor: Double)
    /// Claims its need and bids min(value, budget / need): it can never pay more than its budget.
    case budgetConstrained(budget: Double)

    public var label: String {
        switch self {
        case .truthful: "truthful"
        case .shading(let f): "shading(\(formatNumber(f)))"
        case .overClaiming(let f): "over-claiming(\(formatNumber(f)))"
        case .budgetConstrained(let b): "budget(\(formatNumber(b)))"
        }
    }
}

/// A group of bidders: how many start present, how many arrive per period, what they need
/// and value (drawn per bidder from the workload streams), how they bid, their priority.
public struct BidderGroup: Sendable, Equatable {
    public var name: String
    /// Bidders present at period 0.
    public var initial: Int
    /// Mean of the Poisson number of bidders arriving in each period.
    public var arrivalRate: Double
    /// Units needed (rounded up to whole units ≥ 1 when units are indivisible).
    public var need: Distribution
    /// Value per unit received, up to the need.
    public var value: Distribution
    public var behaviour: Behaviour
    /// Higher is served first by the priority allocator.
    public var priority: Double

    public init(name: String, initial: Int = 0, arrivalRate: Double = 0, need: Distribution, value: Distribution,
                behaviour: Behaviour = .truthful, priority: Double = 0) {
        self.name = name
        self.initial = initial
        self.arrivalRate = arrivalRate
        self.need = need
        self.value = value
        self.behaviour = behaviour
        self.priority = priority
    }
}

/// Model A: a resource with a supply each period (perishable: what is not allocated in a
/// period is lost), bidders who arrive with a need and a private value per unit, and stay
/// until their claim is met or the horizon ends.
public struct MarketScenario: Sendable, Equatable {
    /// Waiting bidders per period after which a run stops when `event-budget` is not given.
    public static let defaultEventBudget = 50_000_000
    /// Periods a bidder may wait before it counts as starved, when `starvation-bound` is not given.
    public static let defaultStarvationBound = 5

    public var name: String
    public var periods: Int
    /// Units supplied per period (drawn per period; whole units when indivisible).
    public var supply: Distribution
    public var divisible: Bool
    public var groups: [BidderGroup]
    /// A bidder whose need is not met within this many periods of its arrival is starved.
    public var starvationBound: Int
    /// Bidder-periods (one per waiting bidder per period, plus one per period) after which
    /// the run stops.
    public var eventBudget: Int

    public init(name: String, periods: Int, supply: Distribution, divisible: Bool, groups: [BidderGroup],
                starvationBound: Int = defaultStarvationBound, eventBudget: Int = defaultEventBudget) {
        self.eventBudget = eventBudget
        self.name = name
        self.periods = periods
        self.supply = supply
        self.divisible = divisible
        self.groups = groups
        self.starvationBound = starvationBound
    }
}

/// An allocation mechanism: the orchestration strategy of the resource-allocation family.
public enum Mechanism: Sendable, CaseIterable {
    case firstComeFirstServed
    case lottery
    case equalShare
    case proportionalBid
    case proportionalNeed
    case firstPrice
    case vickrey
    case priority
    case central

    /// The family's mechanisms, each declared once (its name is its raw value).
    public static let catalogue: [StrategyDeclaration<Mechanism>] = [
        StrategyDeclaration("fcfs", "serve claims in order of arrival") { _ in .firstComeFirstServed },
        StrategyDeclaration("lottery", "serve claims in an order drawn at random each period") { _ in .lottery },
        StrategyDeclaration("equal-share", "split the supply equally (water-filling; round robin for whole units)") { _ in .equalShare },
        StrategyDeclaration("proportional-bid", "shares in proportion to total bids (bid × claim), pay as bid") { _ in .proportionalBid },
        StrategyDeclaration("proportional-need", "shares in proportion to stated claims") { _ in .proportionalNeed },
        StrategyDeclaration("first-price", "sealed bids, highest per-unit bids served first, pay your bid") { _ in .firstPrice },
        StrategyDeclaration("vickrey", "sealed bids, highest first, VCG payments (second price for one item)") { _ in .vickrey },
        StrategyDeclaration("priority", "serve by authority level, then by arrival") { _ in .priority },
        StrategyDeclaration("central", "full information: true needs, highest true values first (welfare upper bound)") { _ in .central },
    ]
}
