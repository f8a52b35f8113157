import SimulationKernel
import Vocabulary

/// An orchestration pattern: the strategies of the agent-team family. Every case is carried out
/// as an orchestration graph (`Orchestration.of(_:in:)`, Graph/BuiltInGraphs.swift), walked by
/// the one engine; the seven built-in patterns are graphs built from the scenario's roles.
public enum Pattern: Sendable, Equatable {
    /// Every task to one member: the primary, or tier `tier` of the router's tiers when ≥ 0.
    case single(tier: Int)
    /// Cheapest tier first; a verifier (accuracy, cost per check) accepts or rejects; rejected
    /// answers escalate to the next tier while the task's spending is under `budget`. Tasks
    /// whose estimated difficulty (true difficulty ± 0.1) exceeds `escalateAbove` skip the first tier.
    case router(verifierAccuracy: Double, verifierCost: Double, escalateAbove: Double, budget: Double)
    /// k panel members in parallel (cycling through the panel), merged by majority vote or by
    /// the judge (right when at least one answer is right and the judge's own call is).
    case scatterGather(k: Int, judge: Bool)
    /// The panel answers, then revises for `rounds` rounds, each revision right with
    /// probability (1 − influence)·p + influence·(share of the panel right before); majority vote.
    case debate(rounds: Int, influence: Double)
    /// The lead decomposes (wrong with probability `decompositionError`), workers solve
    /// `subtasks` parts at `subtaskDifficulty` × d in parallel, the lead integrates (at d/2).
    case hierarchical(subtasks: Int, decompositionError: Double, subtaskDifficulty: Double)
    /// Stages research → write → review; the reviewer sends the writing back (up to `sendBacks`
    /// times) when it judges it wrong: it catches a wrong result when its own call is right,
    /// and flags a right one when its call is wrong.
    case pipeline(sendBacks: Int)
    /// Tasks with risk above `riskAbove` go to the human; others to the assistant, whose answer
    /// goes to the human when the request failed or its confidence is below `confidenceBelow`.
    case humanEscalation(riskAbove: Double, confidenceBelow: Double)
    /// An orchestration graph (see `Orchestration`): the patterns above are graphs too
    /// (`Orchestration.single(…)`, `.router(…)`, …), and a scenario can describe its own.
    case graph(Orchestration)
    /// The scenario's `k`-th orchestration graph (`AgentTeamScenario.orchestrations`), so that
    /// a suite's grid can change a graph's values point by point.
    case orchestration(Int)

    /// The family's patterns, each declared once.
    public static let catalogue: [StrategyDeclaration<Pattern>] = [
        StrategyDeclaration("single", "every task to one member (roles.primary, or one of the tiers): the baseline", parameters: [
            ParameterDescriptor("tier", default: -1, range: -1...20, "index into roles.tiers (−1: roles.primary)"),
        ]) { p in .single(tier: Int(p["tier"])) },
        StrategyDeclaration("router", "cheap tier first, a verifier decides, escalate on rejection within a budget", parameters: [
            ParameterDescriptor("verifier-accuracy", default: 1, range: 0.5...1, "probability the verifier judges an answer right"),
            ParameterDescriptor("verifier-cost", default: 0, range: 0...1e6, "money per verification"),
            ParameterDescriptor("escalate-above", default: 1, range: 0...1, "estimated difficulty above which the first tier is skipped"),
            ParameterDescriptor("budget", default: 1e9, range: 0...1e12, "no escalation once a task has cost this much"),
        ]) { p in
            .router(verifierAccuracy: p["verifier-accuracy"], verifierCost: p["verifier-cost"],
                    escalateAbove: p["escalate-above"], budget: p["budget"])
        },
        StrategyDeclaration("scatter-gather", "k members in parallel, merged by majority vote or a judge", parameters: [
            ParameterDescriptor("k", default: 0, range: 0...101, "answers gathered (0: the panel's size)"),
            ParameterDescriptor("merge", choices: ["vote", "judge"], default: "vote", "how answers are merged"),
        ]) { p in .scatterGather(k: Int(p["k"]), judge: p.choice("merge") == 1) },
        StrategyDeclaration("debate", "the panel answers, sees each other's answers, revises, then votes", parameters: [
            ParameterDescriptor("rounds", default: 2, range: 0...20, "revision rounds"),
            ParameterDescriptor("influence", default: 0.5, range: 0...1, "weight of the others' answers in a revision"),
        ]) { p in .debate(rounds: Int(p["rounds"]), influence: p["influence"]) },
        StrategyDeclaration("hierarchical", "a lead decomposes, workers solve parts in parallel, the lead integrates", parameters: [
            ParameterDescriptor("subtasks", default: 3, range: 1...50, "parts per task"),
            ParameterDescriptor("decomposition-error", default: 0.05, range: 0...1, "probability a decomposition is wrong"),
            ParameterDescriptor("subtask-difficulty", default: 0.6, range: 0...1, "a part's difficulty as a share of the task's"),
        ]) { p in
            .hierarchical(subtasks: Int(p["subtasks"]), decompositionError: p["decomposition-error"],
                          subtaskDifficulty: p["subtask-difficulty"])
        },
        StrategyDeclaration("pipeline", "research → write → review; the reviewer can send work back", parameters: [
            ParameterDescriptor("send-backs", default: 2, range: 0...20, "most times the reviewer sends work back"),
        ]) { p in .pipeline(sendBacks: Int(p["send-backs"])) },
        StrategyDeclaration("human-escalation", "risky tasks and unconfident answers go to a human", parameters: [
            ParameterDescriptor("risk-above", default: 0.8, range: 0...1, "tasks riskier than this go straight to the human"),
            ParameterDescriptor("confidence-below", default: 0.6, range: 0...1, "answers less confident than this are escalated"),
        ]) { p in .humanEscalation(riskAbove: p["risk-above"], confidenceBelow: p["confidence-below"]) },
    ]
}
