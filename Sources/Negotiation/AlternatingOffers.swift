import Foundation
import SimulationKernel

/// Stacked alternating offers, by rounds (NegMAS SAO) or one offer per step.
///
/// Turns are numbered 0 ..< deadline · n (rounds) or 0 ..< deadline (offer per step); the
/// agent acting at turn τ is τ mod n. An agreement is discounted by δ^k where k is, by
/// rounds, the round in which it is reached (the round of the last acceptance), and, per
/// offer, the step of the accepted offer (Rubinstein: a proposal of period k accepted at
/// once is worth δᵏ).
struct AlternatingOffers {
    let domain: NegotiationDomain
    let perOffer: Bool
    let deadline: Int
    var stream: StrategyStream
    let recordTrace: Bool
    var agents: [Negotiator]
    /// Subgame-perfect plans of `rubinstein` agents (bilateral only), by turn.
    var plan: RubinsteinPlan?

    /// `ascending`: `domain.ascendingOutcomes()`.
    init(domain: NegotiationDomain, tactics: [Tactic], ascending: [[Int32]], deadline: Int, perOffer: Bool,
         stream: StrategyStream, recordTrace: Bool) {
        self.domain = domain
        self.deadline = deadline
        self.perOffer = perOffer
        self.stream = stream
        self.recordTrace = recordTrace
        agents = tactics.indices.map {
            Negotiator(agent: $0, tactic: tactics[$0], domain: domain, ascending: ascending[$0])
        }
        if tactics.contains(.rubinstein) {
            plan = RubinsteinPlan(domain: domain, turns: turns, exponent: agreementExponent(offeredAt:))
        }
    }

    var n: Int { agents.count }
    var turns: Int { perOffer ? deadline : deadline * agents.count }

    /// Discount exponent of an agreement on an offer made at `turn` and accepted by the
    /// next agent (bilaterally, the only way it is accepted).
    func agreementExponent(offeredAt turn: Int) -> Int { perOffer ? turn : (turn + 1) / agents.count }

    /// Relative time of `turn`: (s + 1)/(N + 1) for its step s of N.
    func relativeTime(ofTurn turn: Int) -> Double {
        let step = perOffer ? turn : turn / agents.count
        return min(1.0, Double(step + 1) / Double(deadline + 1))
    }

    mutating func run(meter: inout EventMeter) -> NegotiationResult {
        var standing: Int?
        var standingTurn = 0
        var acceptances = 0
        var offers = 0
        var trace: [(turn: Int, agent: Int, outcome: Int)] = []
        for turn in 0..<turns {
            if let stop = meter.spend() {
                var result = NegotiationResult(agreement: nil, rounds: perOffer ? turn : turn / n, offers: offers,
                                               utilities: domain.reserved, trace: trace)
                result.stopReason = stop
                return result
            }
            let a = turn % n
            let t = relativeTime(ofTurn: turn)
            if let offer = standing, accepts(a, offer, offeredAt: standingTurn, turn: turn, t: t) {
                acceptances += 1
                if acceptances == n {
                    let k = perOffer ? standingTurn : turn / n
                    let utilities = (0..<n).map { domain.utility($0, offer) * pow(domain.preferences[$0].discount, Double(k)) }
                    let rounds = perOffer ? turn + 1 : turn / n + 1
                    return NegotiationResult(agreement: offer, rounds: rounds, offers: offers, utilities: utilities, trace: trace)
                }
                continue
            }
            let offer = propose(a, turn: turn, t: t)
            standing = offer
            standingTurn = turn
            acceptances = 1
            offers += 1
            if recordTrace { trace.append((turn, a, offer)) }
        }
        return NegotiationResult(agreement: nil, rounds: deadline, offers: offers,
                                 utilities: domain.reserved, trace: trace)
    }

    /// Whether agent `a`, acting at `turn`, accepts the standing offer (made at `offeredAt`).
    mutating func accepts(_ a: Int, _ offer: Int, offeredAt: Int, turn: Int, t: Double) -> Bool {
        let u = agents[a].utility[offer]
        switch agents[a].tactic {
        case .timeBased(let x):
            return u >= agents[a].level(t, exponent: x)
        case .hardliner:
            return u >= agents[a].bestUtility - 1e-10
        case .titForTat:
            // Reciprocate: concede as much as the opponent's offers improved for this agent.
            if let last = agents[a].lastReceived, u > last {
                agents[a].target = max(agents[a].floor, agents[a].target - (u - last))
            }
            agents[a].lastReceived = u
            return u >= agents[a].target
        case .random:
            guard !agents[a].ascending.isEmpty else { return false }
            let candidate = Int(agents[a].ascending[stream.stream().integer(below: agents[a].ascending.count)])
            agents[a].pendingRandomOffer = candidate
            return u >= agents[a].utility[candidate]
        case .rubinstein:
            guard let plan else { return false }
            let present = u * pow(agents[a].discount, Double(agreementExponent(offeredAt: offeredAt)))
            return RubinsteinPlan.atLeast(present, plan.value[turn][a])
        }
    }

    /// What agent `a` offers at `turn`.
    mutating func propose(_ a: Int, turn: Int, t: Double) -> Int {
        switch agents[a].tactic {
        case .timeBased(let x):
            let level = agents[a].level(t, exponent: x)   // first: a mutation inside the call would copy the agent
            return agents[a].cheapestOutcome(atLeast: level)
        case .hardliner:
            return agents[a].best
        case .titForTat:
            return agents[a].cheapestOutcome(atLeast: agents[a].target)
        case .random:
            if let pending = agents[a].pendingRandomOffer {
                agents[a].pendingRandomOffer = nil
                return pending
            }
            guard !agents[a].ascending.isEmpty else { return agents[a].best }
            return Int(agents[a].ascending[stream.stream().integer(below: agents[a].ascending.count)])
        case .rubinstein:
            return plan?.offer[turn] ?? agents[a].best
        }
    }
}

/// Subgame-perfect play of bilateral alternating offers over a discrete domain, by backward
/// induction over the protocol's turns with full information.
///
/// value[τ][k] is agent k's present value (discounted to time 0) of the subgame in which the
/// agent acting at turn τ makes an offer; at the last turn nothing can be accepted any more,
/// so it is the reserved values. The proposer at τ offers, among outcomes the responder
/// accepts at τ + 1 (present value ≥ its value[τ + 1]), the one best for itself (ties: lowest
/// index) if that beats letting the offer fail; a responder accepts exactly those outcomes.
/// With discount factors δ₁, δ₂ per offer on a finely divided pie this reproduces
/// Rubinstein's first-proposer share (1 − δ₂)/(1 − δ₁δ₂) as the deadline grows.
///
/// Values that are equal in exact arithmetic (an offer of 1 − 3/7 against 0.8 · 5/7) may
/// differ in the last bits of their binary products, so comparisons treat values within a
/// relative 10⁻¹² of each other as equal (`atLeast`, `greater`): a tie is accepted, and
/// among tied outcomes the lowest index is offered, as documented.
struct RubinsteinPlan {
    var offer: [Int]
    var value: [[Double]]

    /// Relative tolerance under which two present values count as equal.
    static let tolerance = 1e-12

    /// a ≥ b, counting values within the tolerance as equal.
    static func atLeast(_ a: Double, _ b: Double) -> Bool { a >= b - tolerance * max(abs(a), abs(b)) }

    /// a > b by more than the tolerance.
    static func greater(_ a: Double, _ b: Double) -> Bool { !atLeast(b, a) }

    init(domain: NegotiationDomain, turns: Int, exponent: (Int) -> Int) {
        let reserved = domain.reserved
        let discount = domain.preferences.map { $0.discount }
        offer = Array(repeating: 0, count: max(turns, 1))
        value = Array(repeating: reserved, count: max(turns, 1) + 1)
        guard turns >= 2 else { return }
        for turn in stride(from: turns - 2, through: 0, by: -1) {
            let i = turn % 2, j = 1 - i
            let k = Double(exponent(turn))
            let di = pow(discount[i], k), dj = pow(discount[j], k)
            var bestOutcome = -1
            var bestValue = -Double.infinity
            for o in 0..<domain.outcomeCount where Self.atLeast(domain.utility(j, o) * dj, value[turn + 1][j]) {
                let v = domain.utility(i, o) * di
                if bestOutcome < 0 || Self.greater(v, bestValue) { bestValue = v; bestOutcome = o }
            }
            if bestOutcome >= 0 && Self.atLeast(bestValue, value[turn + 1][i]) {
                offer[turn] = bestOutcome
                value[turn] = [0, 1].map { domain.utility($0, bestOutcome) * ($0 == i ? di : dj) }
            } else {
                offer[turn] = (0..<domain.outcomeCount).max { domain.utility(i, $0) < domain.utility(i, $1) } ?? 0
                value[turn] = value[turn + 1]
            }
        }
        // The last turn's actor can only accept or let the negotiation end.
        offer[turns - 1] = (0..<domain.outcomeCount).max { domain.utility((turns - 1) % 2, $0) < domain.utility((turns - 1) % 2, $1) } ?? 0
    }
}
