import Foundation
import Testing
@testable import Negotiation
import SimulationKernel

/// Cross-check against NegMAS 0.16 itself: `scripts/negmas/golden.py` ran NegMAS's SAO with
/// its time-based negotiators and hardliner on three domains and many pairings and recorded
/// every offer; the same negotiations here must reproduce the agreement, the utilities, the
/// rounds and the whole offer trace exactly.
@Suite("NegMAS golden file")
struct NegMASGoldenTests {
    struct File: Decodable {
        let negmas_version: String
        let cases: [Case]
    }

    struct Case: Decodable {
        let name: String
        let issues: [IssueSpec]
        let agents: [AgentSpec]
        let n_steps: Int
        let result: Result
        let trace: [Offer]
    }

    struct IssueSpec: Decodable {
        let name: String
        let values: [String]
    }

    struct AgentSpec: Decodable {
        let tactic: String
        let exponent: Double?
        let weights: [Double]
        let value_tables: [[Double]]
        let reserved: Double
    }

    struct Result: Decodable {
        let agreement_index: Int?
        let utilities: [Double]
        let step: Int
        let timedout: Bool
    }

    struct Offer: Decodable, Equatable {
        let step: Int
        let negotiator: Int
        let offer_index: Int
    }

    static let file: File = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/negmas-sao.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    static func tactic(_ spec: AgentSpec) -> Tactic {
        switch spec.tactic {
        case "hardliner": return .hardliner
        default: return .timeBased(exponent: spec.exponent!)
        }
    }

    @Test("the golden file comes from NegMAS 0.16.0 and covers ≥ 3 domains × 4 pairings")
    func coverage() {
        #expect(Self.file.negmas_version == "0.16.0")
        let domains = Set(Self.file.cases.map { $0.name.split(separator: "/")[0] })
        #expect(domains.count >= 3)
        #expect(Self.file.cases.count >= 12)
        #expect(Self.file.cases.contains { $0.result.agreement_index == nil }, "a case without agreement")
    }

    @Test("named tactics use NegMAS's exponents")
    func exponents() {
        for c in Self.file.cases {
            for agent in c.agents {
                switch agent.tactic {
                case "boulware": #expect(agent.exponent == Tactic.boulwareExponent)
                case "linear": #expect(agent.exponent == 1)
                case "conceder": #expect(agent.exponent == Tactic.concederExponent)
                default: break
                }
            }
        }
    }

    @Test("SAO reproduces NegMAS exactly", arguments: file.cases.map(\.name))
    func reproduce(name: String) {
        let c = Self.file.cases.first { $0.name == name }!
        let space = OutcomeSpace(issues: c.issues.map { Issue(name: $0.name, values: $0.values) })
        let domain = NegotiationDomain(space: space, preferences: c.agents.map {
            LinearUtility(weights: $0.weights, tables: $0.value_tables, reserved: $0.reserved)
        })
        let result = NegotiationFamily.negotiate(
            domain, tactics: c.agents.map(Self.tactic), deadline: c.n_steps, protocol: .alternatingOffers,
            stream: RandomStream(seed: 1), recordTrace: true)
        #expect(result.agreement == c.result.agreement_index)
        #expect(result.utilities == c.result.utilities)
        #expect(result.rounds == c.result.step)
        let trace = result.trace.map { Offer(step: $0.turn / 2, negotiator: $0.agent, offer_index: $0.outcome) }
        #expect(trace == c.trace)
    }
}
