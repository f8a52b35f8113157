import Foundation
import SimulationKernel

extension NegotiationScenario {
    /// Outcomes of the largest domain this scenario can have (a random domain's largest
    /// draw), as a `Double` so that it cannot overflow.
    public var maximumOutcomes: Double {
        switch domain {
        case .fixed(let space): return Double(space.count)
        case .random(let spec): return pow(Double(spec.values.upperBound), Double(spec.issues))
        }
    }

    /// Events: every agent acts once per round up to the deadline; a Rubinstein plan looks
    /// at every outcome at every turn; each agent's sorted outcomes and the reference points
    /// (the rational filter, Nash, the frontier's sort and sweep: see `BargainingSolutions`)
    /// cost about log₂(outcomes) + 2 per outcome and agent; with four or more agents the
    /// frontier adds a k-d tree query per outcome, counted as 25 per agent (measured on random
    /// domains of 8 agents: about 20 to 70 nodes and 60 to 300 stored points a query, four
    /// coordinates compared at a time). Its worst case, every outcome on the frontier and the
    /// tree pruning nothing, is quadratic; no estimate made before the run can see that.
    /// Memory per outcome and agent: the utility (8 bytes), the agent's sorted rational
    /// outcomes (4), the frontier's rows twice (16) and its tree (at most 20: 8 a coordinate,
    /// leaves at least half full, and the nodes' corners); per outcome the frontier's sort key,
    /// flags and outcome lists (48).
    public var footprint: Footprint {
        let n = Double(agents.count)
        let outcomes = maximumOutcomes
        let turns = Double(deadline) * n
        let plans = agents.contains { $0.tactic == .rubinstein } ? turns * outcomes : 0
        let reference = outcomes * n * (log2(max(outcomes, 2)) + 2 + (agents.count > 3 ? 25 : 0))
        let events = min(Double(eventBudget), turns) + plans + reference
        let bytes = outcomes * n * 48 + outcomes * 48 + (plans > 0 ? turns * 24 : 0) + n * 1024
        return Footprint(events: events, bytes: bytes)
    }
}

extension NegotiationScenario {
    /// The largest outcome space a scenario may have (stated, drawn or a split pie).
    public static let maximumOutcomes = 1_000_000
    /// The most issues a stated domain may have.
    public static let maximumIssues = 100
    /// The most negotiators a scenario may have.
    public static let maximumAgents = 1000
}
