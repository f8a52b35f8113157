import DivisionOfLabour
import SimulationKernel

/// Small scenarios built in code, so each test states exactly what it depends on.
enum Fixtures {
    static func identicalTeam(
        agents: Int, speed: Double = 1, reliability: Double = 1, cost: Double = 1,
        arrivals: ArrivalProcess, size: Distribution, maxAttempts: Int = 3,
        detection: FailureDetection = .immediate
    ) -> DivisionOfLabourScenario {
        var team = (1...agents).map {
            AgentProfile(name: "agent-\($0)", role: .worker, speed: speed, costRate: cost, reliability: reliability,
                         skills: [1])
        }
        if case .reviewer = detection {
            team.append(AgentProfile(name: "reviewer", role: .reviewer, speed: 1, costRate: 2, reliability: 1, skills: [0]))
        }
        return DivisionOfLabourScenario(
            name: "identical", taskTypes: ["task"], agents: team, arrivals: arrivals,
            workflows: [Workflow(name: "task", weight: 1, steps: [WorkflowStep(type: 0)])],
            size: size, detection: detection, maxAttempts: maxAttempts)
    }

    static func run(_ scenario: DivisionOfLabourScenario, _ strategy: Strategy, replication: Int = 0) -> [String: Double] {
        let identity = "test|\(scenario.name)|rep=\(replication)"
        let outcome = DivisionOfLabourFamily.run(
            scenario, strategy: strategy, workload: RandomStreams(identity: identity),
            strategy: RandomStreams(identity: identity + "|strategy"))
        var metrics = Dictionary(uniqueKeysWithValues: zip(TeamMetrics.descriptors.map(\.name), outcome.metrics))
        metrics["events"] = Double(outcome.events)
        metrics["stop"] = Double(StopReason.allCases.firstIndex(of: outcome.stopReason)!)
        return metrics
    }

    static let allStrategies: [Strategy] = Strategy.catalogue.map { $0.make() }
}
