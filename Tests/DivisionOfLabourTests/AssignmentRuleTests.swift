import DivisionOfLabour
import SimulationKernel
import Testing
import Vocabulary

// Built-in strategies written again as user rules, through the public API only.

/// `least-loaded`: a ready step goes to the idle capable worker with the least busy time
/// (first in id order on ties), else to the board; a freed worker takes the oldest board
/// step it can do.
struct LeastLoadedRule: AssignmentRule {
    func place(_ step: Int, in team: TeamView) -> Placement {
        var best = -1
        for a in team.capableAgents(for: step).lazy.map(Int.init) where team.isIdle(a) {
            if best < 0 || team.busyTime(a) < team.busyTime(best) { best = a }
        }
        return best >= 0 ? .start(agent: best) : .board
    }

    func next(for agent: Int, in team: TeamView) -> NextStep {
        guard let step = team.board.first(where: { team.canDo(agent: agent, step: $0) }) else { return .wait }
        return .board(step: step)
    }
}

/// `round-robin`: the next capable worker after the last one served, cycling over all agent
/// ids; workers keep FIFO queues.
struct RoundRobinRule: AssignmentRule {
    var cursor = 0

    mutating func place(_ step: Int, in team: TeamView) -> Placement {
        let n = team.agentCount
        for k in 1...n {
            let a = (cursor + k) % n
            if team.canDo(agent: a, step: step) {
                cursor = a
                return .queue(agent: a)
            }
        }
        return .queue(agent: Int(team.capableAgents(for: step)[0]))
    }

    func next(for agent: Int, in team: TeamView) -> NextStep { .ownQueue }
}

/// `random`: a capable worker drawn from the run's strategy stream; workers keep FIFO queues.
struct RandomRule: AssignmentRule {
    func place(_ step: Int, in team: TeamView) -> Placement {
        let candidates = team.capableAgents(for: step)
        return .queue(agent: Int(candidates[team.random.integer(below: candidates.count)]))
    }

    func next(for agent: Int, in team: TeamView) -> NextStep { .ownQueue }
}

/// Least-loaded with busy time traded against cost: the idle capable worker minimising
/// busy time + `costWeight` × cost of the attempt. `costWeight` 0 is least-loaded.
struct CheapLeastLoaded: AssignmentRule, Equatable {
    var costWeight: Double

    func place(_ step: Int, in team: TeamView) -> Placement {
        var best = -1
        var bestScore = Double.infinity
        for a in team.capableAgents(for: step).lazy.map(Int.init) where team.isIdle(a) {
            let score = team.busyTime(a) + costWeight * team.costRate(a) * team.plannedDuration(step: step, agent: a)
            if best < 0 || score < bestScore { best = a; bestScore = score }
        }
        return best >= 0 ? .start(agent: best) : .board
    }

    func next(for agent: Int, in team: TeamView) -> NextStep {
        guard let step = team.board.first(where: { team.canDo(agent: agent, step: $0) }) else { return .wait }
        return .board(step: step)
    }
}

/// Shortest processing time first, as a pull rule: every ready step goes to the board, and a
/// worker takes the waiting step it would finish soonest. No built-in strategy reorders the board.
struct ShortestFirst: AssignmentRule {
    func place(_ step: Int, in team: TeamView) -> Placement { .board }

    func next(for agent: Int, in team: TeamView) -> NextStep {
        var best = -1
        var bestTime = Double.infinity
        for step in team.board where team.canDo(agent: agent, step: step) {
            let time = team.plannedDuration(step: step, agent: agent)
            if best < 0 || time < bestTime { best = step; bestTime = time }
        }
        return best >= 0 ? .board(step: best) : .wait
    }
}

@Suite("Assignment rules")
struct AssignmentRuleTests {
    static func run(_ scenario: DivisionOfLabourScenario, _ strategy: DivisionOfLabour.Strategy, replication: Int)
        -> DivisionOfLabourFamily.Outcome
    {
        let identity = "rule-test|\(scenario.name)|rep=\(replication)"
        return DivisionOfLabourFamily.run(
            scenario, strategy: strategy, workload: RandomStreams(identity: identity),
            strategy: RandomStreams(identity: identity + "|strategy"))
    }

    /// Two teams of heterogeneous agents with two task types, unreliable work checked by two
    /// reviewers, two attempts per step (so retries and abandoned jobs), and single-step,
    /// pipeline and fork-join workflows.
    static let reviewedWorkflows = DivisionOfLabourScenario(
        name: "reviewed-workflows", taskTypes: ["a", "b"],
        agents: [
            AgentProfile(name: "senior", role: .worker, speed: 1.5, costRate: 3, reliability: 0.95, skills: [1, 0.8]),
            AgentProfile(name: "junior-1", role: .worker, speed: 1, costRate: 1, reliability: 0.8, skills: [0.6, 0]),
            AgentProfile(name: "reviewer-1", role: .reviewer, speed: 1, costRate: 2, reliability: 1, skills: [0, 0]),
            AgentProfile(name: "junior-2", role: .worker, speed: 1, costRate: 1, reliability: 0.8, skills: [0.6, 0]),
            AgentProfile(name: "specialist", role: .worker, speed: 1, costRate: 2, reliability: 0.9, skills: [0, 1]),
            AgentProfile(name: "reviewer-2", role: .reviewer, speed: 1, costRate: 2, reliability: 1, skills: [0, 0]),
        ],
        arrivals: .poisson(rate: 0.8, count: 1500, until: nil),
        workflows: [
            Workflow(name: "single", weight: 2, steps: [WorkflowStep(type: 0)]),
            Workflow(name: "pipeline", weight: 1, steps: [WorkflowStep(type: 0), WorkflowStep(type: 1, predecessors: [0])]),
            Workflow(name: "fork-join", weight: 1, steps: [
                WorkflowStep(type: 0), WorkflowStep(type: 1, predecessors: [0]),
                WorkflowStep(type: 0, predecessors: [0]), WorkflowStep(type: 1, predecessors: [1, 2]),
            ]),
        ],
        size: .exponential(mean: 1), difficulty: .uniform(min: 0, max: 1),
        detection: .reviewer(time: .exponential(mean: 0.1)), maxAttempts: 2)

    /// The scenarios the equivalence tests run, by name.
    static let scenarios: [String: DivisionOfLabourScenario] = {
        var stopped = Fixtures.identicalTeam(
            agents: 2, arrivals: .poisson(rate: 3, count: 5000, until: nil), size: .exponential(mean: 1))
        stopped.horizon = 300                                     // overloaded: the board is long when it stops
        var budget = reviewedWorkflows
        budget.eventBudget = 2000
        return [
            "mmc": Fixtures.identicalTeam(
                agents: 4, arrivals: .poisson(rate: 3, count: 2000, until: nil), size: .exponential(mean: 1)),
            "unreliable": Fixtures.identicalTeam(
                agents: 3, reliability: 0.7, arrivals: .poisson(rate: 2, count: 1000, until: nil),
                size: .gamma(shape: 2, scale: 0.5), maxAttempts: 2),
            "batch-reviewed": Fixtures.identicalTeam(
                agents: 3, reliability: 0.6, arrivals: .batch(count: 300), size: .constant(1),
                detection: .reviewer(time: .constant(0.2))),
            "reviewed-workflows": reviewedWorkflows,
            "horizon": stopped,
            "event-budget": budget,
        ]
    }()

    /// Everything a run reports, compared exactly: metrics bit for bit (NaN included),
    /// events, stop reason, end time, and the summary's per-task and per-worker values.
    static func expectIdentical(_ a: DivisionOfLabourFamily.Outcome, _ b: DivisionOfLabourFamily.Outcome,
                                _ context: String) {
        #expect(a.metrics.map(\.bitPattern) == b.metrics.map(\.bitPattern), "\(context): \(a.metrics) vs \(b.metrics)")
        #expect(a.events == b.events, "\(context)")
        #expect(a.stopReason == b.stopReason, "\(context)")
        #expect(a.endTime.bitPattern == b.endTime.bitPattern, "\(context)")
        #expect(a.summary.sojourns.map(\.bitPattern) == b.summary.sojourns.map(\.bitPattern), "\(context)")
        #expect(a.summary.workerBusy.map(\.bitPattern) == b.summary.workerBusy.map(\.bitPattern), "\(context)")
        #expect(a.summary.messages == b.summary.messages && a.summary.waitCount == b.summary.waitCount, "\(context)")
    }

    @Test("a rule equivalent to a built-in strategy reproduces its runs exactly",
          arguments: ["least-loaded", "round-robin", "random"],
          ["mmc", "unreliable", "batch-reviewed", "reviewed-workflows", "horizon", "event-budget"])
    func equivalence(builtIn: String, scenarioName: String) throws {
        let scenario = try #require(Self.scenarios[scenarioName])
        let builtInStrategy = try #require(Strategy.catalogue.make(builtIn) as DivisionOfLabour.Strategy?)
        let rule: DivisionOfLabour.Strategy = switch builtIn {
        case "least-loaded": .custom(LeastLoadedRule())
        case "round-robin": .custom(RoundRobinRule())
        default: .custom(RandomRule())
        }
        for replication in 0..<3 {
            let expected = Self.run(scenario, builtInStrategy, replication: replication)
            let actual = Self.run(scenario, rule, replication: replication)
            Self.expectIdentical(expected, actual, "\(builtIn) on \(scenarioName), replication \(replication)")
            #expect(expected.events > 100)
        }
        // The scenarios do exercise what they are meant to.
        let reference = Self.run(scenario, builtInStrategy, replication: 0)
        switch scenarioName {
        case "reviewed-workflows", "unreliable", "batch-reviewed": #expect(reference.metrics[2] > 0, "tasks failed")
        case "horizon": #expect(reference.stopReason == .horizon)
        case "event-budget": #expect(reference.stopReason == .eventBudget)
        default: break
        }
    }

    /// The catalogue declaration of a parameterised rule, as a user's package would write it.
    static let cheapLeastLoaded = StrategyDeclaration<DivisionOfLabour.Strategy>(
        "cheap-least-loaded", "least-loaded, with busy time traded against the cost of the attempt",
        parameters: [ParameterDescriptor("cost-weight", default: 0, range: 0...1e6, "weight of an attempt's cost")]
    ) { p in .custom(CheapLeastLoaded(costWeight: p["cost-weight"])) }

    @Test("a rule can trade load against cost, which no built-in does; it is deterministic")
    func costWeighted() throws {
        // Two cheap and two expensive workers, equally fast and reliable.
        var scenario = Fixtures.identicalTeam(
            agents: 4, reliability: 0.9, arrivals: .poisson(rate: 2, count: 3000, until: nil), size: .exponential(mean: 1))
        scenario.agents[2].costRate = 10
        scenario.agents[3].costRate = 10
        let cost = try #require(TeamMetrics.descriptors.firstIndex { $0.name == "total-cost" })
        let sojourn = try #require(TeamMetrics.descriptors.firstIndex { $0.name == "mean-sojourn" })
        for replication in 0..<3 {
            // Weight 0 is least-loaded itself.
            Self.expectIdentical(Self.run(scenario, .leastLoaded, replication: replication),
                                 Self.run(scenario, Self.cheapLeastLoaded.make(), replication: replication),
                                 "cost-weight 0, replication \(replication)")
            let balanced = Self.run(scenario, .leastLoaded, replication: replication)
            let weighted = Self.cheapLeastLoaded.make(["cost-weight": 1000])
            let first = Self.run(scenario, weighted, replication: replication)
            let second = Self.run(scenario, weighted, replication: replication)
            Self.expectIdentical(first, second, "repeat, replication \(replication)")
            #expect(first.metrics[cost] < 0.9 * balanced.metrics[cost])
            // Who does a step changes, not when: the workers are equally fast and reliable.
            #expect(abs(first.metrics[sojourn] - balanced.metrics[sojourn]) <= 1e-9 * balanced.metrics[sojourn])
        }
    }

    @Test("a pull rule (shortest processing time first from the board) finishes every task and cuts mean sojourn")
    func shortestFirst() throws {
        let scenario = Fixtures.identicalTeam(
            agents: 4, arrivals: .poisson(rate: 3.6, count: 5000, until: nil), size: .exponential(mean: 1))
        let completed = try #require(TeamMetrics.descriptors.firstIndex { $0.name == "tasks-completed" })
        let sojourn = try #require(TeamMetrics.descriptors.firstIndex { $0.name == "mean-sojourn" })
        for replication in 0..<3 {
            let fifo = Self.run(scenario, .leastLoaded, replication: replication)
            let spt = Self.run(scenario, .custom(ShortestFirst()), replication: replication)
            Self.expectIdentical(spt, Self.run(scenario, .custom(ShortestFirst()), replication: replication),
                                 "repeat, replication \(replication)")
            #expect(spt.metrics[completed] == 5000)
            #expect(spt.stopReason == .drained)
            #expect(spt.metrics[sojourn] < 0.9 * fifo.metrics[sojourn])
        }
    }

    @Test("custom strategies compare by name, rule type and (when Equatable) rule value")
    func equality() {
        let rule = DivisionOfLabour.Strategy.custom(LeastLoadedRule())
        #expect(rule == .custom(LeastLoadedRule()))
        #expect(rule == .custom(LeastLoadedRule(), name: "LeastLoadedRule"))
        #expect(rule != .custom(LeastLoadedRule(), name: "least-loaded-again"))
        #expect(rule != .custom(ShortestFirst(), name: "LeastLoadedRule"))
        #expect(rule != .leastLoaded)
        #expect(DivisionOfLabour.Strategy.custom(CheapLeastLoaded(costWeight: 1))
            != .custom(CheapLeastLoaded(costWeight: 2)))
        #expect(Self.cheapLeastLoaded.make(["cost-weight": 2]) == .custom(CheapLeastLoaded(costWeight: 2)))
        if case .custom(let custom) = rule { #expect(custom.name == "LeastLoadedRule") } else { Issue.record("not custom") }
    }

    @Test("an impossible decision stops the run with a message naming the rule")
    func impossibleDecision() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            struct AlwaysAgentZero: AssignmentRule {
                func place(_ step: Int, in team: TeamView) -> Placement { .start(agent: 0) }
                func next(for agent: Int, in team: TeamView) -> NextStep { .wait }
            }
            let scenario = Fixtures.identicalTeam(agents: 2, arrivals: .batch(count: 2), size: .constant(1))
            _ = AssignmentRuleTests.run(scenario, .custom(AlwaysAgentZero(), name: "always-zero"), replication: 0)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("assignment rule 'always-zero'"), "\(message)")
        #expect(message.contains("agent 0 is busy"), "\(message)")
    }
}
