import Foundation
import SimulationKernel

extension MarketScenario {
    /// Bidders over the run: those present at the start and the Poisson arrivals, taken at
    /// their mean plus six standard deviations.
    public var maximumBidders: Double {
        let arrivals = groups.reduce(0) { $0 + $1.arrivalRate } * Double(periods)
        return Double(groups.reduce(0) { $0 + $1.initial }) + arrivals + 6 * arrivals.squareRoot()
    }

    /// Winners in one period, for the estimate: at most the bidders, and about the supply
    /// over the smallest mean need (at least one unit each when units are whole).
    public var estimatedWinnersPerPeriod: Double {
        let smallestNeed = max(groups.map(\.need.mean).min() ?? 1, divisible ? 1e-9 : 1)
        return max(1, min(maximumBidders, supply.mean / smallestNeed))
    }

    /// Events: one per waiting bidder per period (at most the event budget); the envy metric,
    /// two sorts and a convex hull over the bidders (bidders × log₂ bidders); and the costliest
    /// mechanism's extra work, Vickrey's payments, which replay the period's welfare sum for
    /// each winner from its first changed term (winners² / 2 per period; as much again with
    /// divisible supply, where the left-over amounts are replayed too). Memory: the bidders
    /// and the supply.
    public var footprint: Footprint {
        let bidders = maximumBidders
        let winners = estimatedWinnersPerPeriod
        let events = min(Double(eventBudget), Double(periods) + bidders * Double(min(periods, 1000)))
            + bidders * log2(max(bidders, 2)) + min(Double(periods), Double(eventBudget)) * winners * winners * (divisible ? 1 : 0.5)
        return Footprint(events: events, bytes: bidders * 256 + Double(periods) * 16)
    }
}

extension CommonsScenario {
    /// Events: one harvest decision per agent per round, at most the event budget. Memory:
    /// the agents and the stock of every round.
    public var footprint: Footprint {
        let agents = Double(groups.reduce(0) { $0 + $1.count })
        let events = min(Double(eventBudget), Double(rounds) * (agents + 1))
        return Footprint(events: events, bytes: agents * 96 + Double(rounds) * 8)
    }
}
