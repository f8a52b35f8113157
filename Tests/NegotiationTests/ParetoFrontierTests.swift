import Testing
@testable import Negotiation
import SimulationKernel

/// The sort-and-sweep Pareto frontier and the reference points computed from it must equal
/// the pairwise reference (`ReferenceSolutions`, the code they replaced) exactly: the same
/// outcomes in the same order, the same Nash, Kalai–Smorodinsky and egalitarian outcomes and
/// bit-identical distances.
@Suite("Pareto frontier against the pairwise reference")
struct ParetoFrontierTests {
    /// A one-issue domain whose outcome o is worth `utilities[a][o]` to agent a exactly
    /// (weight 1, the table is the utility).
    static func domain(_ utilities: [[Double]], reserved: [Double]) -> NegotiationDomain {
        let outcomes = utilities.first?.count ?? 0
        let space = OutcomeSpace(issues: [Issue(name: "o", values: (0..<outcomes).map { "o\($0)" })])
        return NegotiationDomain(space: space, preferences: zip(utilities, reserved).map {
            LinearUtility(weights: [1], tables: [$0.0], reserved: $0.1)
        })
    }

    /// A random domain that stresses ties: utilities continuous or on a few discrete levels,
    /// agents independent, opposed to the first (large frontiers) or on a simplex (every
    /// point undominated), some outcomes copying an earlier outcome's whole vector, some one
    /// agent's utility only, and reserved values that make part of the outcomes irrational.
    static func randomDomain(agents: Int, outcomes: Int, stream: RandomStream) -> NegotiationDomain {
        let levels = [0, 2, 3, 4, 6, 11][stream.integer(below: 6)]   // 0: continuous
        let shape = stream.integer(below: 3)                       // 0 independent, 1 opposed, 2 simplex
        let opposition = stream.uniform()
        func level(_ x: Double) -> Double { levels == 0 ? x : Double(Int(x * Double(levels))) / Double(levels - 1) }
        var u = Array(repeating: [Double](repeating: 0, count: outcomes), count: agents)
        for o in 0..<outcomes {
            if o > 0 && stream.bernoulli(0.15) {   // a duplicate vector
                let source = stream.integer(below: o)
                for a in 0..<agents { u[a][o] = u[a][source] }
                continue
            }
            var raw = (0..<agents).map { _ in stream.uniform() }
            switch shape {
            case 1: for a in 1..<agents { raw[a] = opposition * (1 - raw[0]) + (1 - opposition) * raw[a] }
            case 2: let total = raw.reduce(0, +); raw = raw.map { $0 / total }
            default: break
            }
            for a in 0..<agents { u[a][o] = level(raw[a]) }
            if o > 0 && stream.bernoulli(0.1) {   // one coordinate tied with an earlier outcome
                let a = stream.integer(below: agents)
                u[a][o] = u[a][stream.integer(below: o)]
            }
        }
        let reserved = (0..<agents).map { _ in [0, 0, 0.1, 0.25, 0.4][stream.integer(below: 5)] }
        return domain(u, reserved: reserved)
    }

    /// Everything `BargainingSolutions` reports against the reference, distances compared by
    /// their bits (NaN included).
    static func expectSame(_ domain: NegotiationDomain, stream: RandomStream, _ label: String) {
        let fast = BargainingSolutions(domain)
        let reference = ReferenceSolutions(domain)
        #expect(fast.pareto == reference.pareto, "\(label): frontier")
        #expect(fast.nash == reference.nash, "\(label): Nash")
        #expect(BargainingSolutions.nash(domain) == reference.nash, "\(label): Nash alone")
        #expect(fast.kalaiSmorodinsky == reference.kalaiSmorodinsky, "\(label): Kalai–Smorodinsky")
        #expect(fast.egalitarian == reference.egalitarian, "\(label): egalitarian")
        let n = domain.agentCount
        var points = [domain.preferences.map(\.reserved)]
        for _ in 0..<5 where domain.outcomeCount > 0 {
            let o = stream.integer(below: domain.outcomeCount)
            points.append((0..<n).map { domain.utility($0, o) })
        }
        points.append((0..<n).map { _ in stream.uniform() })
        for point in points {
            let a = fast.distanceToFrontier(point, in: domain), b = reference.distanceToFrontier(point, in: domain)
            #expect(a.bitPattern == b.bitPattern, "\(label): distance from \(point): \(a) against \(b)")
        }
    }

    @Test("random domains of 3 to 8 agents with ties, duplicates and irrational outcomes", arguments: 1...60)
    func randomTies(seed: Int) {
        let stream = RandomStream(seed: UInt64(seed))
        for trial in 0..<10 {
            let agents = 3 + stream.integer(below: 6)
            let outcomes = 1 + stream.integer(below: trial < 8 ? 120 : 700)
            Self.expectSame(Self.randomDomain(agents: agents, outcomes: outcomes, stream: stream), stream: stream,
                            "seed \(seed) trial \(trial): \(agents) agents, \(outcomes) outcomes")
        }
    }

    @Test("random domains of 1 and 2 agents and drawn multi-issue domains", arguments: 1...20)
    func fewAgentsAndDrawnDomains(seed: Int) {
        let stream = RandomStream(seed: UInt64(1000 + seed))
        for agents in 1...2 {
            Self.expectSame(Self.randomDomain(agents: agents, outcomes: 1 + stream.integer(below: 300), stream: stream),
                            stream: stream, "seed \(seed): \(agents) agents")
        }
        let agents = 2 + stream.integer(below: 7)
        let spec = RandomDomainSpec(issues: 2 + stream.integer(below: 3), values: 2...6, opposition: stream.uniform())
        let template = (0..<agents).map { _ in LinearUtility(weights: [], tables: [], reserved: [0, 0.2, 0.3][stream.integer(below: 3)]) }
        Self.expectSame(spec.draw(agents: template, from: stream), stream: stream, "seed \(seed): drawn, \(agents) agents")
    }

    @Test("tie rule: equal vectors all stay on the frontier or all leave it")
    func tieRule() {
        // Outcomes (u1, u2, u3, u4): 0 and 3 equal and undominated; 1 is dominated by 0 (and
        // 3); 2 and 5 are equal and undominated (better for agent 4); 4 is equal to 1;
        // 6 ties 0 in three coordinates and is worse in the fourth.
        let u: [[Double]] = [
            [0.5, 0.5, 0.4, 0.5, 0.5, 0.4, 0.5],
            [0.5, 0.4, 0.5, 0.5, 0.4, 0.5, 0.5],
            [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
            [0.5, 0.5, 0.9, 0.5, 0.5, 0.9, 0.4],
        ]
        let open = Self.domain(u, reserved: [0, 0, 0, 0])
        #expect(BargainingSolutions(open).pareto == [0, 2, 3, 5])
        #expect(ReferenceSolutions(open).pareto == [0, 2, 3, 5])
        // Agent 2's reserved value 0.45 makes 1 and 4 irrational; they dominated nothing.
        let reserved = Self.domain(u, reserved: [0, 0.45, 0, 0])
        #expect(BargainingSolutions(reserved).pareto == [0, 2, 3, 5])
        // Every outcome the same vector: all of them are the frontier.
        let same = Self.domain(Array(repeating: [0.3, 0.3, 0.3], count: 5), reserved: Array(repeating: 0, count: 5))
        #expect(BargainingSolutions(same).pareto == [0, 1, 2])
        // No rational outcome: no frontier, no reference points, NaN distance.
        let none = Self.domain(u, reserved: [0.6, 0, 0, 0])
        let s = BargainingSolutions(none)
        #expect(s.pareto.isEmpty && s.nash == nil && s.kalaiSmorodinsky == nil && s.egalitarian == nil)
        #expect(s.distanceToFrontier([0, 0, 0, 0], in: none).isNaN)
    }
}
