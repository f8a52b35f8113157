import CoordbenchKit

/// A new strategy for an existing family: a division-of-labour assignment rule that weighs
/// each idle agent's expected cost of doing the step against how much it has worked.
///
/// A ready step goes to the idle capable agent with the lowest
/// `busy time + cost-weight × cost rate × planned duration` (the first in id order on a tie),
/// or waits on the shared board when none is idle; a freed agent takes the oldest waiting step
/// it can do. With `cost-weight: 0` this is coordbench's `least-loaded`, run for run.
public struct CostAwareLeastLoaded: AssignmentRule {
    public var costWeight: Double

    public init(costWeight: Double) { self.costWeight = costWeight }

    public static let declaration = StrategyDeclaration<DivisionOfLabourFamily.Strategy>(
        "cost-aware-least-loaded",
        "central queue; the free capable agent with least busy time + cost-weight × expected cost of the step",
        parameters: [
            ParameterDescriptor("cost-weight", default: 1, range: 0...1e6,
                                "busy-time units one unit of expected cost is worth (0: least-loaded)"),
        ]
    ) { p in .custom(CostAwareLeastLoaded(costWeight: p["cost-weight"]), name: "cost-aware-least-loaded") }

    public mutating func place(_ step: Int, in team: TeamView) -> Placement {
        var best = -1
        var bestScore = Double.infinity
        for agent in team.capableAgents(for: step) {
            let a = Int(agent)
            guard team.isIdle(a) else { continue }
            let score = team.busyTime(a) + costWeight * team.costRate(a) * team.plannedDuration(step: step, agent: a)
            if best < 0 || score < bestScore {
                best = a
                bestScore = score
            }
        }
        return best >= 0 ? .start(agent: best) : .board
    }

    public mutating func next(for agent: Int, in team: TeamView) -> NextStep {
        for step in team.board where team.canDo(agent: agent, step: step) { return .board(step: step) }
        return .wait
    }
}
