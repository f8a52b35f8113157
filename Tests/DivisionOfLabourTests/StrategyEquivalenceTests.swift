@testable import DivisionOfLabour
import SimulationKernel
import Testing

/// The fast built-in strategies against the reference scans (`ReferencePolicy`) on many small
/// random teams: every run must come out identical, metric for metric and worker for worker.
@Suite("Strategies against their reference scans")
struct StrategyEquivalenceTests {
    /// The built-in strategies with the parameter values the instances are run under.
    static let strategies: [(String, Strategy)] = [
        ("random", .random),
        ("round-robin", .roundRobin),
        ("least-loaded", .leastLoaded),
        ("skill-routing 0.8", .skillRouting(minSuccess: 0.8)),
        ("skill-routing 0.97", .skillRouting(minSuccess: 0.97)),
        ("skill-routing 0", .skillRouting(minSuccess: 0)),
        ("contract-net earliest-finish", .contractNet(messageDelay: 0.01, award: .earliestFinish)),
        ("contract-net earliest-finish, no delay", .contractNet(messageDelay: 0, award: .earliestFinish)),
        ("contract-net cheapest", .contractNet(messageDelay: 0.01, award: .cheapest)),
        ("contract-net cheapest, no delay", .contractNet(messageDelay: 0, award: .cheapest)),
        ("response-threshold", .responseThreshold(initialThreshold: 2, learning: 0.2, forgetting: 0.05,
                                                  pollInterval: 0.5, minThreshold: 0.1, maxThreshold: 50)),
        ("response-threshold, eager", .responseThreshold(initialThreshold: 0.5, learning: 0.5, forgetting: 0.5,
                                                         pollInterval: 0.1, minThreshold: 0, maxThreshold: 3)),
    ]

    /// A small random team and workload, drawn from `seed`: one to three task types; one to
    /// four profiles of one to four agents each, interleaved in id order; speeds, skills, cost
    /// rates and reliabilities on coarse grids, so that different profiles tie in duration,
    /// cost and success probability; Poisson arrivals from light to heavy load, or a batch at
    /// time 0 (agents that have never worked tie in busy time); constant or random sizes and
    /// difficulties; single steps or workflows; immediate or reviewer detection; sometimes a
    /// horizon that stops the run with work waiting.
    static func instance(_ seed: Int) -> DivisionOfLabourScenario {
        let r = RandomStreams(identity: "strategy-equivalence|\(seed)").stream("instance")
        func pick<T>(_ values: [T]) -> T { values[r.integer(below: values.count)] }
        let types = 1 + r.integer(below: 3)
        var agents: [AgentProfile] = []
        for profile in 0..<(1 + r.integer(below: 4)) {
            var skills = (0..<types).map { _ in pick([0.0, 0, 0.3, 0.5, 0.9, 1]) }
            if skills.allSatisfy({ $0 == 0 }) { skills[r.integer(below: types)] = pick([0.5, 1]) }
            let speed = pick([0.5, 1.0, 2]), cost = pick([1.0, 2, 4]), reliability = pick([0.6, 0.9, 1.0])
            for k in 0..<(1 + r.integer(below: 4)) {
                agents.append(AgentProfile(name: "p\(profile)-\(k)", role: .worker, speed: speed, costRate: cost,
                                           reliability: reliability, skills: skills))
            }
        }
        for type in 0..<types where !agents.contains(where: { $0.skills[type] > 0 }) {
            agents[r.integer(below: agents.count)].skills[type] = pick([0.3, 1])
        }
        let reviewed = r.integer(below: 3) == 0
        if reviewed {
            for k in 0..<(1 + r.integer(below: 2)) {
                agents.append(AgentProfile(name: "reviewer-\(k)", role: .reviewer, costRate: 2,
                                           skills: Array(repeating: 0, count: types)))
            }
        }
        for i in stride(from: agents.count - 1, to: 0, by: -1) {   // interleave profiles in id order
            agents.swapAt(i, r.integer(below: i + 1))
        }
        let workers = agents.filter { $0.role == .worker }.count
        let arrivals: ArrivalProcess = r.integer(below: 4) == 0
            ? .batch(count: 20 + r.integer(below: 80))
            : .poisson(rate: Double(workers) * pick([0.2, 0.5, 0.9, 1.3, 2]), count: 50 + r.integer(below: 250),
                       until: nil)
        let workflows: [Workflow] = r.integer(below: 2) == 0
            ? (0..<types).map { Workflow(name: "t\($0)", weight: 1, steps: [WorkflowStep(type: $0)]) }
            : [
                Workflow(name: "single", weight: 2, steps: [WorkflowStep(type: 0)]),
                Workflow(name: "pipeline", weight: 1, steps: [
                    WorkflowStep(type: 0), WorkflowStep(type: types - 1, predecessors: [0]),
                ]),
                Workflow(name: "fork-join", weight: 1, steps: [
                    WorkflowStep(type: types - 1), WorkflowStep(type: 0, predecessors: [0]),
                    WorkflowStep(type: types / 2, predecessors: [0]), WorkflowStep(type: 0, predecessors: [1, 2]),
                ]),
            ]
        let size: Distribution = pick([.constant(1), .exponential(mean: 1), .gamma(shape: 2, scale: 0.5)])
        let difficulty: Distribution = pick([.constant(0), .uniform(min: 0, max: 1)])
        let detection: FailureDetection = reviewed
            ? .reviewer(time: pick([.constant(0.2), .exponential(mean: 0.1)])) : .immediate
        var scenario = DivisionOfLabourScenario(
            name: "instance-\(seed)", taskTypes: (0..<types).map { "t\($0)" }, agents: agents, arrivals: arrivals,
            workflows: workflows, size: size, difficulty: difficulty, detection: detection,
            maxAttempts: 1 + r.integer(below: 3))
        if r.integer(below: 5) == 0 { scenario.horizon = 10 + Double(r.integer(below: 40)) }
        return scenario
    }

    /// Runs `scenario` under `strategy` with the reference policy and with the built-in one.
    static func both(_ scenario: DivisionOfLabourScenario, _ strategy: Strategy, replication: Int)
        -> (reference: DivisionOfLabourFamily.Outcome, fast: DivisionOfLabourFamily.Outcome)
    {
        let identity = "equivalence|\(scenario.name)|rep=\(replication)"
        let workload = Workload(scenario: scenario, streams: RandomStreams(identity: identity))
        let random = { RandomStreams(identity: identity + "|strategy").stream("strategy") }
        let team = TeamState(scenario: scenario, workload: workload, random: random())
        let reference = DivisionOfLabourFamily.run(team, ReferencePolicy(strategy, team), deadline: .none)
        let fast = DivisionOfLabourFamily.run(scenario, strategy: strategy, workload: workload, strategyStream: random())
        return (reference, fast)
    }

    @Test("each fast strategy decides as its reference scan on 150 random teams", arguments: strategies.indices)
    func randomTeams(strategyIndex: Int) {
        let (name, strategy) = Self.strategies[strategyIndex]
        var stopped = 0, failed = 0, overloaded = 0
        for seed in 0..<150 {
            let scenario = Self.instance(seed)
            let (reference, fast) = Self.both(scenario, strategy, replication: seed % 3)
            AssignmentRuleTests.expectIdentical(reference, fast, "\(name), instance \(seed)")
            #expect(reference.summary.waitSum.bitPattern == fast.summary.waitSum.bitPattern, "\(name), instance \(seed)")
            if reference.stopReason != .drained { stopped += 1 }
            if reference.summary.failed > 0 { failed += 1 }
            if reference.summary.waitSum > Double(reference.summary.waitCount) { overloaded += 1 }
        }
        // The instances do reach the situations the fast structures must get right.
        #expect(stopped > 10 && failed > 20 && overloaded > 10, "stopped \(stopped), failed \(failed), waited \(overloaded)")
    }

    @Test("the shipped scenarios' teams, overloaded and at length, decide as the reference scans",
          arguments: strategies.indices)
    func longRuns(strategyIndex: Int) {
        let (name, strategy) = Self.strategies[strategyIndex]
        // The overloaded team of scenarios/division-of-labour/overloaded-team.yaml, for longer.
        let analyst = AgentProfile(name: "analyst", role: .worker, costRate: 3, reliability: 0.95, skills: [0.9, 0.4])
        let writer = AgentProfile(name: "writer", role: .worker, costRate: 2, reliability: 0.95, skills: [0.4, 0.9])
        let scenario = DivisionOfLabourScenario(
            name: "overloaded", taskTypes: ["analysis", "writing"],
            agents: [analyst, analyst, analyst, writer, writer, writer].enumerated().map { index, profile in
                var agent = profile
                agent.name += "-\(index)"
                return agent
            },
            arrivals: .poisson(rate: 6.5, count: 3000, until: nil), workflows: [
                Workflow(name: "analysis", weight: 1, steps: [WorkflowStep(type: 0)]),
                Workflow(name: "writing", weight: 1, steps: [WorkflowStep(type: 1)]),
            ],
            size: .exponential(mean: 1), difficulty: .beta(a: 2, b: 3), horizon: 400)
        for replication in 0..<2 {
            let (reference, fast) = Self.both(scenario, strategy, replication: replication)
            AssignmentRuleTests.expectIdentical(reference, fast, "\(name), overloaded, replication \(replication)")
        }
    }
}
