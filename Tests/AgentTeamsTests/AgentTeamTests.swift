import Foundation
import Testing
@testable import AgentTeams
import SimulationKernel

@Suite("Agent teams")
struct AgentTeamTests {
    /// A model whose accuracy at difficulty 0.5 is exactly `p` (slope 8).
    static func model(_ name: String, family: String, p: Double, price: Double = 1, latency: Double = 1) -> TeamMember {
        TeamMember(name: name, family: family, ability: 0.5 + log(p / (1 - p)) / 8, slope: 8,
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
        let i = AgentTeamFamily.metrics.firstIndex { $0.name == name }!
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
        let team = [Self.model("m", family: "f", p: p)]
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
        let team = [Self.model("m", family: "f", p: 0.7)]
        for k in [3, 5, 9] {
            let scenario = Self.scenario(members: team, roles: Self.roles(panel: Array(repeating: 0, count: k)),
                                         correlation: 1, tasks: 2000)
            #expect(Self.metric("success-rate", scenario, .scatterGather(k: k, judge: false))
                    == Self.metric("success-rate", scenario, .single(tier: -1)))
        }
        // Across families the shared mistakes do not carry over: three families vote like independents.
        let mixed = [Self.model("a", family: "x", p: 0.7), Self.model("b", family: "y", p: 0.7), Self.model("c", family: "z", p: 0.7)]
        let scenario = Self.scenario(members: mixed, roles: Self.roles(panel: [0, 1, 2]), correlation: 1)
        let expected = Self.binomialMajority(k: 3, p: 0.7)
        #expect(abs(Self.metric("success-rate", scenario, .scatterGather(k: 3, judge: false)) - expected)
                <= 5 * (expected * (1 - expected) / 20_000).squareRoot())
    }

    /// Common random numbers make the strongest member's first call on a task the same under
    /// both patterns, so the router can only add successes (when a cheaper tier was right).
    @Test("a router with a perfect verifier never has lower success than its strongest agent alone", arguments: 0..<5)
    func routerSuccess(replication: Int) {
        let team = [Self.model("small", family: "s", p: 0.5, price: 0.1), Self.model("medium", family: "m", p: 0.7, price: 0.5),
                    Self.model("frontier", family: "f", p: 0.9, price: 2)]
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
        var broken = Self.model("broken", family: "b", p: 0.9)
        broken.errorRate = 1
        let team = [broken, Self.model("backup", family: "k", p: 0.8)]
        let scenario = Self.scenario(members: team, roles: Self.roles(primary: 0, fallback: 1), tasks: 5000)
        #expect(Self.metric("retries", scenario, .single(tier: -1)) == 2)     // one retry, then the fallback
        #expect(Self.metric("calls-per-task", scenario, .single(tier: -1)) == 3)
        #expect(abs(Self.metric("success-rate", scenario, .single(tier: -1)) - 0.8) < 0.03)

        var slow = Self.model("slow", family: "s", p: 0.9, latency: 500)   // beyond the timeout of 100
        slow.hangRate = 0
        let stuck = Self.scenario(members: [slow], roles: Self.roles(), tasks: 100)
        #expect(Self.metric("timeouts", stuck, .single(tier: -1)) == 2)
        #expect(Self.metric("success-rate", stuck, .single(tier: -1)) == 0)
        #expect(Self.metric("mean-latency", stuck, .single(tier: -1)) == 200)
    }

    @Test("a human serves one task at a time: escalated tasks queue")
    func humanQueue() {
        let human = TeamMember(name: "expert", kind: .human, family: "human", ability: 5, latency: .constant(10),
                               pricePerCall: 50, concurrency: 1)
        var scenario = Self.scenario(members: [Self.model("m", family: "f", p: 0.6), human],
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
        let scenario = Self.scenario(members: [Self.model("m", family: "f", p: 0.8)], roles: Self.roles(),
                                     tasks: 10_000, trials: 3)
        let pass = Self.metric("pass-k", scenario, .single(tier: -1))
        #expect(abs(pass - pow(0.8, 3)) <= 5 * (0.512 * 0.488 / 10_000).squareRoot())
        #expect(abs(Self.metric("success-rate", scenario, .single(tier: -1)) - 0.8) < 0.01)
    }
}
