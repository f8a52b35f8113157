import Foundation
import Testing
@testable import AgentTeams
import SimulationKernel

@Suite("Agent teams")
struct AgentTeamTests {
    /// A model whose accuracy at difficulty 0.5 is exactly `p` (slope 8).
    static func model(_ name: String, modelFamily: String, p: Double, price: Double = 1, latency: Double = 1) -> TeamMember {
        TeamMember(name: name, modelFamily: modelFamily, ability: 0.5 + log(p / (1 - p)) / 8, slope: 8,
                   latency: .constant(latency), priceIn: price, priceOut: price)
    }

    static func scenario(members: [TeamMember], roles: Roles, correlation: Double = 0, tasks: Int = 20_000,
                         difficulty: Distribution = .constant(0.5), trials: Int = 1) -> AgentTeamScenario {
        AgentTeamScenario(name: "test", members: members, roles: roles, correlation: correlation, taskCount: tasks,
                          rate: 0, difficulty: difficulty, inputTokens: .constant(1000), outputTokens: .constant(1000),
                          trials: trials, timeout: 100, retries: 1)
    }

    static func roles(primary: Int = 0, tiers: [Int] = [0], panel: [Int] = [0], human: Int? = nil,
                      fallback: Int? = nil) -> Roles {
        Roles(primary: primary, tiers: tiers, panel: panel, judge: primary, lead: primary, workers: [primary],
              stages: [primary, primary, primary], assistant: primary, human: human, fallback: fallback)
    }

    static func metric(_ name: String, _ scenario: AgentTeamScenario, _ pattern: Pattern, replication: Int = 0) -> Double {
        let i = AgentTeamFamily.metrics.firstIndex { $0.descriptor.name == name }!
        return AgentTeamFamily.run(scenario, pattern: pattern, workload: RandomStreams(identity: "team|\(replication)")).metrics[i]
    }

    static func binomialMajority(k: Int, p: Double) -> Double {
        (k / 2 + 1...k).reduce(0.0) { sum, j in
            var c = 1.0
            for x in 0..<j { c = c * Double(k - x) / Double(x + 1) }
            return sum + c * pow(p, Double(j)) * pow(1 - p, Double(k - j))
        }
    }

    /// 20,000 tasks: the vote's success rate has a standard error of at most 0.0036; five of
    /// them bound a false alarm at about one in 3.5 million.
    @Test("independent errors: majority vote of k matches the binomial formula", arguments: [(3, 0.7), (5, 0.6), (7, 0.55), (3, 0.4)])
    func binomialVote(k: Int, p: Double) {
        let team = [Self.model("m", modelFamily: "f", p: p)]
        let scenario = Self.scenario(members: team, roles: Self.roles(panel: Array(repeating: 0, count: k)))
        let vote = Self.metric("success-rate", scenario, .scatterGather(k: k, judge: false))
        let expected = Self.binomialMajority(k: k, p: p)
        let se = (expected * (1 - expected) / 20_000).squareRoot()
        #expect(abs(vote - expected) <= 5 * se, "k = \(k), p = \(p): vote \(vote), binomial \(expected)")
        let single = Self.metric("success-rate", scenario, .single(tier: -1))
        #expect(abs(single - p) <= 5 * (p * (1 - p) / 20_000).squareRoot())
    }

    @Test("fully correlated copies: voting equals a single agent, task by task")
    func correlatedVote() {
        let team = [Self.model("m", modelFamily: "f", p: 0.7)]
        for k in [3, 5, 9] {
            let scenario = Self.scenario(members: team, roles: Self.roles(panel: Array(repeating: 0, count: k)),
                                         correlation: 1, tasks: 2000)
            #expect(Self.metric("success-rate", scenario, .scatterGather(k: k, judge: false))
                    == Self.metric("success-rate", scenario, .single(tier: -1)))
        }
        // Across families the shared mistakes do not carry over: three families vote like independents.
        let mixed = [Self.model("a", modelFamily: "x", p: 0.7), Self.model("b", modelFamily: "y", p: 0.7), Self.model("c", modelFamily: "z", p: 0.7)]
        let scenario = Self.scenario(members: mixed, roles: Self.roles(panel: [0, 1, 2]), correlation: 1)
        let expected = Self.binomialMajority(k: 3, p: 0.7)
        #expect(abs(Self.metric("success-rate", scenario, .scatterGather(k: 3, judge: false)) - expected)
                <= 5 * (expected * (1 - expected) / 20_000).squareRoot())
    }

    /// Common random numbers make the strongest member's first call on a task the same under
    /// both patterns, so the router can only add successes (when a cheaper tier was right).
    @Test("a router with a perfect verifier never has lower success than its strongest agent alone", arguments: 0..<5)
    func routerSuccess(replication: Int) {
        let team = [Self.model("small", modelFamily: "s", p: 0.5, price: 0.1), Self.model("medium", modelFamily: "m", p: 0.7, price: 0.5),
                    Self.model("frontier", modelFamily: "f", p: 0.9, price: 2)]
        let scenario = Self.scenario(members: team, roles: Self.roles(primary: 2, tiers: [0, 1, 2], panel: [0]),
                                     correlation: 0.5, tasks: 3000, difficulty: .uniform(min: 0.2, max: 0.9))
        let router = Pattern.router(verifierAccuracy: 1, verifierCost: 0, escalateAbove: 1, budget: 1e9)
        let routed = Self.metric("success-rate", scenario, router, replication: replication)
        #expect(routed >= Self.metric("success-rate", scenario, .single(tier: -1), replication: replication))
        // Its cost lies between the cheapest and the strongest member alone (here the cheap
        // tiers cost 1/20 and 1/4 of the frontier and answer most tasks).
        var cheapest = scenario
        cheapest.roles.primary = 0
        let cost = Self.metric("cost-per-task", scenario, router, replication: replication)
        #expect(cost >= Self.metric("cost-per-task", cheapest, .single(tier: -1), replication: replication))
        #expect(cost <= Self.metric("cost-per-task", scenario, .single(tier: -1), replication: replication))
    }

    @Test("failed calls are retried, then passed to the fallback; timeouts and retries are counted")
    func retriesAndFallback() {
        var broken = Self.model("broken", modelFamily: "b", p: 0.9)
        broken.errorRate = 1
        let team = [broken, Self.model("backup", modelFamily: "k", p: 0.8)]
        let scenario = Self.scenario(members: team, roles: Self.roles(primary: 0, fallback: 1), tasks: 5000)
        #expect(Self.metric("retries", scenario, .single(tier: -1)) == 2)     // one retry, then the fallback
        #expect(Self.metric("calls-per-task", scenario, .single(tier: -1)) == 3)
        #expect(abs(Self.metric("success-rate", scenario, .single(tier: -1)) - 0.8) < 0.03)

        var slow = Self.model("slow", modelFamily: "s", p: 0.9, latency: 500)   // beyond the timeout of 100
        slow.hangRate = 0
        let stuck = Self.scenario(members: [slow], roles: Self.roles(), tasks: 100)
        #expect(Self.metric("timeouts", stuck, .single(tier: -1)) == 2)
        #expect(Self.metric("success-rate", stuck, .single(tier: -1)) == 0)
        #expect(Self.metric("mean-latency", stuck, .single(tier: -1)) == 200)
    }

    @Test("a human serves one task at a time: escalated tasks queue")
    func humanQueue() {
        let human = TeamMember(name: "expert", kind: .human, modelFamily: "human", ability: 5, latency: .constant(10),
                               pricePerCall: 50, concurrency: 1)
        var scenario = Self.scenario(members: [Self.model("m", modelFamily: "f", p: 0.6), human],
                                     roles: Self.roles(human: 1), tasks: 5)
        scenario.risk = .constant(1)
        let escalate = Pattern.humanEscalation(riskAbove: 0.5, confidenceBelow: 0)
        #expect(Self.metric("makespan", scenario, escalate) == 50)
        #expect(Self.metric("mean-latency", scenario, escalate) == 30)
        #expect(Self.metric("cost-per-task", scenario, escalate) == 50)
        #expect(Self.metric("escalations", scenario, escalate) == 1)
    }

    @Test("pass^k: all k trials must succeed")
    func passK() {
        let scenario = Self.scenario(members: [Self.model("m", modelFamily: "f", p: 0.8)], roles: Self.roles(),
                                     tasks: 10_000, trials: 3)
        let pass = Self.metric("pass-k", scenario, .single(tier: -1))
        #expect(abs(pass - pow(0.8, 3)) <= 5 * (0.512 * 0.488 / 10_000).squareRoot())
        #expect(abs(Self.metric("success-rate", scenario, .single(tier: -1)) - 0.8) < 0.01)
    }

    /// A small team whose calls fail in every way (errors, hangs, malformed output, a context
    /// limit, short timeouts, busy members), with a fallback, correlated copies and a human.
    static let flakyTeam: AgentTeamScenario = {
        var small = TeamMember(name: "small", modelFamily: "s", ability: 0.4, latency: .lognormal(mu: -0.5, sigma: 0.4),
                               priceIn: 0.0005, priceOut: 0.0015, errorRate: 0.1, hangRate: 0.05, malformedRate: 0.1)
        small.concurrency = 2
        let medium = TeamMember(name: "medium", modelFamily: "m", ability: 0.6, latency: .lognormal(mu: 0.3, sigma: 0.4),
                                priceIn: 0.003, priceOut: 0.009, errorRate: 0.05, malformedRate: 0.05)
        var copy = medium
        copy.name = "medium-copy"
        let frontier = TeamMember(name: "frontier", modelFamily: "f", ability: 0.8, latency: .lognormal(mu: 1.2, sigma: 0.4),
                                  priceIn: 0.01, priceOut: 0.03, contextLimit: 1800, hangRate: 0.1, concurrency: 1)
        let human = TeamMember(name: "expert", kind: .human, modelFamily: "human", ability: 1.6,
                               latency: .lognormal(mu: 3, sigma: 0.5), pricePerCall: 6, concurrency: 1, timeout: 3600)
        let roles = Roles(primary: 3, tiers: [0, 1, 3], panel: [1, 2, 1, 0, 3], judge: 3, lead: 3, workers: [0, 1],
                          stages: [1, 0, 3], assistant: 1, human: 4, fallback: 1)
        return AgentTeamScenario(name: "flaky", members: [small, medium, copy, frontier, human], roles: roles,
                                 correlation: 0.5, taskCount: 40, rate: 1, difficulty: .beta(a: 2, b: 3),
                                 risk: .uniform(min: 0, max: 1), inputTokens: .lognormal(mu: 7.3, sigma: 0.4),
                                 outputTokens: .constant(400), trials: 2, timeout: 3, retries: 1)
    }()

    /// Pins every pattern's decisions on `flakyTeam` (80 task instances): successes, calls,
    /// escalations, retries, timeouts and events, as counts. Any change in the draws or the
    /// decisions of a pattern shows here before it shows in the golden files.
    @Test("every pattern's decisions on a flaky team are unchanged", arguments: [
        (Pattern.single(tier: -1), [64, 182, 0, 102, 69, 262]),
        (.single(tier: 0), [37, 106, 0, 26, 4, 186]),
        (.router(verifierAccuracy: 1, verifierCost: 0, escalateAbove: 1, budget: 1e9), [74, 190, 57, 53, 17, 270]),
        (.router(verifierAccuracy: 0.8, verifierCost: 0.001, escalateAbove: 0.4, budget: 0.01), [62, 136, 27, 29, 12, 216]),
        (.scatterGather(k: 0, judge: false), [60, 570, 0, 170, 89, 650]),
        (.scatterGather(k: 3, judge: true), [65, 449, 0, 135, 79, 529]),
        (.debate(rounds: 2, influence: 0.5), [64, 1677, 0, 477, 248, 1757]),
        (.debate(rounds: 0, influence: 0.5), [60, 570, 0, 170, 89, 650]),
        (.hierarchical(subtasks: 3, decompositionError: 0.2, subtaskDifficulty: 0.6), [35, 667, 0, 267, 148, 747]),
        (.pipeline(sendBacks: 2), [42, 601, 58, 245, 139, 681]),
        (.pipeline(sendBacks: 0), [29, 382, 0, 142, 76, 462]),
        (.humanEscalation(riskAbove: 0.8, confidenceBelow: 0.6), [77, 114, 36, 10, 1, 194]),
        (.humanEscalation(riskAbove: 1, confidenceBelow: 0), [56, 91, 1, 10, 1, 171]),
    ])
    func pinnedDecisions(pattern: Pattern, expected: [Int]) {
        let run = AgentTeamFamily.run(Self.flakyTeam, pattern: pattern, workload: RandomStreams(identity: "flaky|0"))
        func count(_ name: String) -> Int {
            Int((run.metrics[AgentTeamFamily.metrics.firstIndex { $0.descriptor.name == name }!] * 80).rounded())
        }
        let counts = [count("success-rate"), count("calls-per-task"), count("escalations"), count("retries"),
                      count("timeouts"), run.events]
        #expect(counts == expected, "\(pattern)")
    }
}
