import CoordbenchKit

/// A whole new family: a panel of reviewers judges a stream of items (a claim true or false,
/// a patch right or wrong). Each reviewer is right on an item with probability `accuracy`,
/// independently; the strategy decides how many reviewers to ask and how to combine them.
/// It is the Condorcet jury setting, small enough to check every number against theory
/// (`exact(_:_:)`), and the cost–quality trade-off of an LLM "panel of judges".
public enum ReviewPanelFamily: ScenarioFamily {
    public static let name = "review-panel"
    public static let summary = "a panel of independent reviewers judges items; strategies trade votes (cost) for accuracy"

    /// Everything a run depends on besides the strategy and the seed.
    public struct Scenario: Sendable {
        /// Panel size.
        public var reviewers: Int
        /// Probability that one reviewer is right on one item.
        public var accuracy: Double
        /// Items judged in a run.
        public var items: Int
        /// Votes after which a run stops (stop reason `event-budget`).
        public var eventBudget: Int

        public init(reviewers: Int, accuracy: Double, items: Int, eventBudget: Int? = nil) {
            self.reviewers = reviewers
            self.accuracy = accuracy
            self.items = items
            self.eventBudget = eventBudget ?? Scenario.defaultEventBudget(reviewers: reviewers, items: items)
        }

        /// Every vote of every item: a run never stops early unless told.
        public static func defaultEventBudget(reviewers: Int, items: Int) -> Int {
            min(reviewers * items, Int(Int32.max))
        }
    }

    /// How the panel decides.
    public enum Strategy: Sendable, Equatable {
        /// The first reviewer alone.
        case single
        /// Every reviewer votes; the majority wins, a tie is a fair coin (the strategy's stream).
        case majority
        /// Reviewers vote one after another until one verdict leads by `lead` votes or all have
        /// voted; then the majority of the votes cast, a tie a fair coin.
        case sequential(lead: Int)
    }

    public static let strategies: [StrategyDeclaration<Strategy>] = [
        StrategyDeclaration("single", "one reviewer decides alone") { _ in .single },
        StrategyDeclaration("majority", "every reviewer votes; majority wins, ties by a fair coin") { _ in .majority },
        StrategyDeclaration(
            "sequential", "ask reviewers one by one until a verdict leads by `lead` votes (or all have voted)",
            parameters: [ParameterDescriptor("lead", default: 2, range: 1...1001, "votes by which a verdict must lead")]
        ) { p in .sequential(lead: Int(p["lead"])) },
    ]

    /// What the metrics are computed from.
    public struct Result: Sendable {
        public var items = 0
        public var correct = 0
        public var votes = 0
    }

    public static let metrics: [MetricDeclaration<Result>] = [
        MetricDeclaration("accuracy", unit: "share", .higherIsBetter, key: true,
                          "share of items the panel decided correctly") { r in
            r.items > 0 ? Double(r.correct) / Double(r.items) : .nan
        },
        MetricDeclaration("votes-per-item", unit: "votes", .lowerIsBetter, key: true,
                          "reviewer votes cast per item decided (the panel's cost)") { r in
            r.items > 0 ? Double(r.votes) / Double(r.items) : .nan
        },
    ]

    public static let frontier: (quality: String, cost: String)? = ("accuracy", "votes-per-item")

    static let keys = ["name", "family", "description", "reviewers", "accuracy", "items", "event-budget"]

    public static func read(_ root: YAMLNode, name: String, in file: ConfigFile) -> Scenario? {
        guard let fields = Fields(root, in: file, what: "scenario", allowed: keys) else { return nil }
        let reviewers = fields.integer("reviewers", what: "scenario", in: 1...1001)
        let accuracy = fields.number("accuracy", what: "scenario", in: 0...1)
        let items = fields.integer("items", what: "scenario", in: 1...10_000_000)
        guard let reviewers, let accuracy, let items,
              let budget = fields.eventBudget(default: Scenario.defaultEventBudget(reviewers: reviewers, items: items))
        else { return nil }
        return Scenario(reviewers: reviewers, accuracy: accuracy, items: items, eventBudget: budget)
    }

    public static func footprint(of scenario: Scenario) -> Footprint {
        Footprint(events: Double(scenario.items) * Double(scenario.reviewers), bytes: Double(scenario.reviewers) * 8 + 4096)
    }

    /// `events`: votes cast. Every reviewer's vote on every item is drawn from the workload
    /// stream `votes`, whether the strategy asks for it or not, so every strategy of a
    /// replication faces the same votes (common random numbers); tie-breaking coins come from
    /// the strategy's own stream `ties`.
    public static func run(_ scenario: Scenario, strategy: Strategy, streams: RunStreams,
                           deadline: WallClockDeadline) -> RunOutcome {
        let votes = streams.workload.stream("votes")
        let ties = streams.strategy.stream("ties")
        var meter = EventMeter(budget: scenario.eventBudget, deadline: deadline)
        var result = Result()
        var right = [Bool](repeating: false, count: scenario.reviewers)
        var stop: StopReason = .drained
        items: for _ in 0..<scenario.items {
            for j in right.indices { right[j] = votes.uniform() < scenario.accuracy }
            let asked: Int
            switch strategy {
            case .single: asked = 1
            case .majority: asked = scenario.reviewers
            case .sequential(let lead):
                var n = 0, margin = 0
                while n < scenario.reviewers && abs(margin) < lead {
                    margin += right[n] ? 1 : -1
                    n += 1
                }
                asked = n
            }
            if let reason = meter.spend(asked) {
                stop = reason
                break items
            }
            let yes = right[..<asked].lazy.filter { $0 }.count
            let no = asked - yes
            let correct = yes != no ? yes > no : ties.uniform() < 0.5
            result.items += 1
            result.votes += asked
            if correct { result.correct += 1 }
        }
        return RunOutcome(stopReason: stop, events: meter.events, metrics: metrics.values(of: result))
    }

    /// The exact expected accuracy and votes per item of `strategy` on `scenario` (dynamic
    /// programming over the votes), against which tests check the simulation.
    public static func exact(_ scenario: Scenario, _ strategy: Strategy) -> (accuracy: Double, votesPerItem: Double) {
        let n = scenario.reviewers, p = scenario.accuracy
        let lead: Int
        switch strategy {
        case .single: lead = 1
        case .majority: lead = n + 1
        case .sequential(let l): lead = l
        }
        // probability[c] of c right votes among the first k, over paths not yet stopped.
        var probability = [1.0] + [Double](repeating: 0, count: n)
        var accuracy = 0.0, votes = 0.0
        for k in 0...n {
            var next = [Double](repeating: 0, count: n + 1)
            for c in 0...k where probability[c] > 0 {
                let margin = 2 * c - k
                if k == n || (k > 0 && abs(margin) >= lead) {
                    accuracy += probability[c] * (margin > 0 ? 1 : margin == 0 ? 0.5 : 0)
                    votes += probability[c] * Double(k)
                } else {
                    next[c + 1] += probability[c] * p
                    next[c] += probability[c] * (1 - p)
                }
            }
            probability = next
        }
        return (accuracy, votes)
    }
}
