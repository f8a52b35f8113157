import Foundation
import SimulationKernel

extension NegotiationFamily {
    /// Single-text mediation (see `NegotiationProtocol.singleText`). The mediator's draws
    /// come from `stream`: the first text, then per round an issue and a new value for it.
    /// `ascending`: `domain.ascendingOutcomes()`.
    static func singleText(_ domain: NegotiationDomain, tactics: [Tactic], ascending: [[Int32]], deadline: Int,
                           stream: RandomStream, meter: inout EventMeter) -> NegotiationResult {
        let n = domain.agentCount
        let agents = tactics.indices.map {
            Negotiator(agent: $0, tactic: tactics[$0], domain: domain, ascending: ascending[$0])
        }
        let space = domain.space
        var text = stream.integer(below: domain.outcomeCount)
        var adoptedRound = 0
        var offers = 1
        for round in 0..<deadline {
            // One event per agent's vote.
            if let stop = meter.spend(n) {
                var result = NegotiationResult(agreement: nil, rounds: round, offers: offers,
                                               utilities: domain.reserved, trace: [])
                result.stopReason = stop
                return result
            }
            let issue = stream.integer(below: space.issues.count)
            let size = space.issues[issue].values.count
            guard size > 1 else { continue }
            let current = space.value(of: issue, in: text)
            let variant = space.replacing(issue, with: (current + 1 + stream.integer(below: size - 1)) % size, in: text)
            offers += 1
            let t = min(1.0, Double(round + 1) / Double(deadline + 1))
            var unanimous = true
            for agent in agents {
                let gain = agent.utility[variant], now = agent.utility[text]
                let yes: Bool
                switch agent.tactic {
                case .timeBased(let x): yes = gain >= now || gain >= agent.aspiration(t, exponent: x)
                case .random: yes = stream.bernoulli(0.5)
                case .hardliner, .titForTat, .rubinstein: yes = gain >= now
                }
                if !yes { unanimous = false }
            }
            if unanimous {
                text = variant
                adoptedRound = round
            }
        }
        let rational = (0..<n).allSatisfy { domain.utility($0, text) >= domain.preferences[$0].reserved }
        guard rational else {
            return NegotiationResult(agreement: nil, rounds: deadline, offers: offers,
                                     utilities: domain.reserved, trace: [])
        }
        let utilities = (0..<n).map { domain.utility($0, text) * pow(domain.preferences[$0].discount, Double(adoptedRound)) }
        return NegotiationResult(agreement: text, rounds: adoptedRound + 1, offers: offers, utilities: utilities, trace: [])
    }
}
