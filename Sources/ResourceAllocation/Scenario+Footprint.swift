import SimulationKernel

extension MarketScenario {
    /// Bidders over the run: those present at the start and the Poisson arrivals, taken at
    /// their mean plus six standard deviations.
    public var maximumBidders: Double {
        let arrivals = groups.reduce(0) { $0 + $1.arrivalRate } * Double(periods)
        return Double(groups.reduce(0) { $0 + $1.initial }) + arrivals + 6 * arrivals.squareRoot()
    }

    /// Events: one per waiting bidder per period (at most the event budget), plus the envy
    /// metric, which compares every pair of bidders. Memory: the bidders and the supply.
    public var footprint: Footprint {
        let bidders = maximumBidders
        let events = min(Double(eventBudget), Double(periods) + bidders * Double(min(periods, 1000))) + bidders * bidders
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
