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
    /// at every outcome at every turn; sorting preferences and the reference points
    /// (Pareto frontier, Nash) look at every outcome for every agent (and agents² of them
    /// for the frontier). Memory: each agent's utility of every outcome, kept three ways.
    public var footprint: Footprint {
        let n = Double(agents.count)
        let outcomes = maximumOutcomes
        let turns = Double(deadline) * n
        let plans = agents.contains { $0.tactic == .rubinstein } ? turns * outcomes : 0
        let reference = outcomes * n * (log2(max(outcomes, 2)) + n)
        let events = min(Double(eventBudget), turns) + plans + reference
        let bytes = outcomes * n * 24 + (plans > 0 ? turns * 24 : 0) + n * 1024
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
