@testable import DivisionOfLabour
import SimulationKernel
import Testing

/// The run draws its workload lazily and keeps only the jobs it still needs (`TeamState`,
/// `LiveWorkload`): the draws must be those of the whole workload drawn at once, a job must
/// never be released while something still reads it, and what is kept must stay small when
/// the team keeps up.
@Suite("Workload window")
struct WorkloadWindowTests {
    /// The built-in strategies and user rules (which see the window through `TeamView`).
    static let strategies: [(String, Strategy)] = StrategyEquivalenceTests.strategies + [
        ("rule least-loaded", .custom(LeastLoadedRule())),
        ("rule round-robin", .custom(RoundRobinRule())),
        ("rule random", .custom(RandomRule())),
        ("rule shortest-first", .custom(ShortestFirst())),
    ]

    @Test("jobs drawn one at a time are those of the workload drawn at once (the eager reference), value for value")
    func lazyDrawsMatch() {
        for seed in 0..<200 {
            let scenario = StrategyEquivalenceTests.instance(seed)
            let streams = RandomStreams(identity: "window|\(seed)")
            let whole = EagerWorkload(scenario: scenario, streams: streams)
            // The public whole-workload view draws the same values too.
            let public_ = Workload(scenario: scenario, streams: streams)
            #expect(public_.arrival.map(\.bitPattern) == whole.arrival.map(\.bitPattern)
                    && public_.workflow == whole.workflow && public_.firstStep == whole.firstStep
                    && public_.stepJob == whole.stepJob && public_.stepType == whole.stepType
                    && public_.stepSize.map(\.bitPattern) == whole.stepSize.map(\.bitPattern)
                    && public_.stepDifficulty.map(\.bitPattern) == whole.stepDifficulty.map(\.bitPattern)
                    && public_.outcome.map(\.bitPattern) == whole.outcome.map(\.bitPattern)
                    && public_.reviewTime.map(\.bitPattern) == whole.reviewTime.map(\.bitPattern), "instance \(seed)")
            var team = TeamState(scenario: scenario, streams: streams, random: streams.stream("strategy"))
            while team.drawNextJob() {}
            let live = team.workload
            #expect(live.jobCount == whole.jobCount && live.stepCount == whole.stepCount, "instance \(seed)")
            #expect(live.firstJob == 0, "nothing has ended, so nothing is released")
            for job in 0..<whole.jobCount {
                #expect(live.arrival[job].bitPattern == whole.arrival[job].bitPattern, "instance \(seed), job \(job)")
                #expect(live.workflow[job] == whole.workflow[job] && live.firstStep[job] == whole.firstStep[job])
            }
            let m = whole.maxAttempts
            for step in 0..<whole.stepCount {
                #expect(live.stepJob[step] == whole.stepJob[step] && live.stepType[step] == whole.stepType[step])
                #expect(live.stepSize[step].bitPattern == whole.stepSize[step].bitPattern, "instance \(seed), step \(step)")
                #expect(live.stepDifficulty[step].bitPattern == whole.stepDifficulty[step].bitPattern)
                for k in 0..<m {
                    if team.generator.drawsOutcomes {
                        #expect(live.outcome[step, k].bitPattern == whole.outcome[step * m + k].bitPattern)
                    }
                    if !whole.reviewTime.isEmpty {
                        #expect(live.reviewTime[step, k].bitPattern == whole.reviewTime[step * m + k].bitPattern)
                    }
                }
            }
            // Outcomes are skipped only when none can matter: every worker succeeds for sure.
            if !team.generator.drawsOutcomes {
                #expect(scenario.everyAttemptSucceeds)
                for step in 0..<whole.stepCount {
                    for a in scenario.agents.indices where scenario.agents[a].role == .worker {
                        let p = scenario.successProbability(scenario.agents[a], type: Int(whole.stepType[step]),
                                                            difficulty: whole.stepDifficulty[step])
                        #expect(p == 0 || p >= 1)
                    }
                }
            }
            let more = team.drawNextJob()
            #expect(!more, "an exhausted workload stays exhausted")
        }
    }

    /// Runs `scenario` under `strategy` with the window as configured by `configure`.
    static func run(_ scenario: DivisionOfLabourScenario, _ strategy: Strategy, replication: Int,
                    _ configure: (inout TeamState) -> Void) -> DivisionOfLabourFamily.Outcome {
        let identity = "window|\(scenario.name)|rep=\(replication)"
        var team = TeamState(scenario: scenario, streams: RandomStreams(identity: identity),
                             random: RandomStreams(identity: identity + "|strategy").stream("strategy"))
        configure(&team)
        return DivisionOfLabourFamily.run(team, strategy: strategy, deadline: .none)
    }

    @Test("releasing finished jobs changes nothing: runs whose released data are overwritten with NaN equal runs that keep every job",
          arguments: strategies.indices)
    func releaseChangesNothing(strategyIndex: Int) {
        let (name, strategy) = Self.strategies[strategyIndex]
        var released = 0
        for seed in 0..<100 {
            let scenario = StrategyEquivalenceTests.instance(seed)
            let kept = Self.run(scenario, strategy, replication: seed % 3) { $0.retiresJobs = false }
            let windowed = Self.run(scenario, strategy, replication: seed % 3) { $0.poisonsReleased = true }
            AssignmentRuleTests.expectIdentical(kept, windowed, "\(name), instance \(seed)")
            #expect(kept.summary.waitSum.bitPattern == windowed.summary.waitSum.bitPattern, "\(name), instance \(seed)")
            #expect(kept.keptJobs >= windowed.keptJobs)
            if windowed.keptJobs < kept.keptJobs { released += 1 }
            // A drained run under a built-in strategy has ended every job and let go of it.
            let rule: Bool = if case .custom = strategy { true } else { false }
            if windowed.stopReason == .drained && !rule {
                #expect(windowed.keptJobs == 0, "\(name), instance \(seed): \(windowed.keptJobs) jobs kept")
            }
        }
        #expect(released > 50, "the instances do release jobs (\(released))")
    }

    @Test("the window stays small when the team keeps up: M/M/4 at load 0.75, 100,000 tasks", arguments: [
        "least-loaded", "random", "round-robin", "skill-routing", "contract-net", "response-threshold",
    ])
    func boundedWindow(strategyName: String) throws {
        let scenario = Fixtures.identicalTeam(
            agents: 4, reliability: 0.9, arrivals: .poisson(rate: 3, count: 100_000, until: nil),
            size: .exponential(mean: 1))
        let strategy = try #require(Strategy.catalogue.make(strategyName) as DivisionOfLabour.Strategy?)
        let outcome = Self.run(scenario, strategy, replication: 0) { _ in }
        #expect(outcome.stopReason == .drained && outcome.summary.completed + outcome.summary.failed == 100_000)
        // Pools: the jobs in flight, a few tens; the id window: the jobs that arrive while the
        // oldest one is in the system, at most a few hundred; against 100,000 in all.
        #expect(outcome.jobCapacity <= 1024 && outcome.stepCapacity <= 1024 && outcome.stepIdCapacity <= 4096,
                "\(strategyName): pools of \(outcome.jobCapacity) jobs and \(outcome.stepCapacity) steps, \(outcome.stepIdCapacity) step ids")
        #expect(outcome.keptJobs == 0)
    }

    @Test("a batch is all in flight at once: the pools hold it whole, and get it back as it ends")
    func batchWindow() {
        let scenario = Fixtures.identicalTeam(agents: 3, arrivals: .batch(count: 5000), size: .exponential(mean: 1))
        let outcome = Self.run(scenario, .leastLoaded, replication: 0) { _ in }
        #expect(outcome.jobCapacity >= 5000 && outcome.jobCapacity <= 8192)
        #expect(outcome.stopReason == .drained && outcome.keptJobs == 0)
    }
}
