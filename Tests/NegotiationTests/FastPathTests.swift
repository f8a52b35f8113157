import Testing
@testable import Negotiation
import SimulationKernel

/// The faster set-up of a run (issue 12) against the plain computations it replaced: each
/// agent's utilities, its sorted outcomes and the metric values must be the same doubles and
/// the same order.
@Suite("Negotiation set-up against the plain computations")
struct FastPathTests {
    @Test("every outcome's utility by odometer equals utility(of:in:), bit for bit", arguments: 1...40)
    func utilities(seed: Int) {
        let stream = RandomStream(seed: UInt64(seed))
        let issues = 1 + stream.integer(below: 4)
        let space = OutcomeSpace(issues: (0..<issues).map { i in
            Issue(name: "i\(i)", values: (0..<(1 + stream.integer(below: 7))).map { "v\($0)" })
        })
        // Sometimes fewer weights than issues: the later issues then add nothing.
        let summed = stream.bernoulli(0.2) ? stream.integer(below: issues + 1) : issues
        let preferences = LinearUtility(
            weights: (0..<summed).map { _ in stream.uniform() },
            tables: (0..<summed).map { i in space.issues[i].values.map { _ in [0, 0.25, stream.uniform()][stream.integer(below: 3)] } })
        let fast = preferences.utilities(in: space)
        let plain = (0..<space.count).map { preferences.utility(of: $0, in: space) }
        #expect(fast.map(\.bitPattern) == plain.map(\.bitPattern))
    }

    @Test("an agent's outcomes by ascending utility, ties by index, below and above 64", arguments: 1...40)
    func ascending(seed: Int) {
        let stream = RandomStream(seed: UInt64(100 + seed))
        for count in [0, 1, 2, 5, 63, 64, 65, 66, 130, 300] {
            let levels = [0, 3, 10][stream.integer(below: 3)]   // 0: continuous
            let utility = (0..<count).map { _ in
                levels == 0 ? stream.uniform() : Double(stream.integer(below: levels)) / Double(levels)
            }
            let reserved = [0, 0.3, 0.6][stream.integer(below: 3)]
            let expected = (0..<count).filter { utility[$0] >= reserved }
                .sorted { utility[$0] != utility[$1] ? utility[$0] < utility[$1] : $0 < $1 }
            #expect(Negotiator.ascending(utility, atLeast: reserved).map(Int.init) == expected,
                    "\(count) outcomes, \(levels) levels, reserved \(reserved)")
        }
    }

    @Test("scoring gives the declarations' own values", arguments: 1...30)
    func scoring(seed: Int) {
        let stream = RandomStream(seed: UInt64(200 + seed))
        let agents = 2 + stream.integer(below: 3)
        let template = (0..<agents).map { _ in LinearUtility(weights: [], tables: [], reserved: [0, 0.2][stream.integer(below: 2)]) }
        let domain = RandomDomainSpec(issues: 3, values: 2...5, opposition: 0.6).draw(agents: template, from: stream)
        let tactics: [Tactic] = (0..<agents).map { _ in [.timeBased(exponent: 4), .timeBased(exponent: 0.25), .hardliner][stream.integer(below: 3)] }
        let result = NegotiationFamily.negotiate(domain, tactics: tactics, deadline: 10, protocol: .alternatingOffers,
                                                 stream: RandomStream(seed: 1))
        let solutions = BargainingSolutions(domain)
        let scored = NegotiationMetrics.score(result, domain: domain, solutions: solutions)
        let record = ScoredNegotiation(result: result, domain: domain, solutions: solutions)
        let declared = NegotiationMetrics.declarations.map { $0.value(of: record) }
        #expect(scored.map(\.bitPattern) == declared.map(\.bitPattern))
    }
}
