@testable import ResourceAllocation

/// The first, quadratic versions of the envy count and the VCG payments, kept verbatim as the
/// references the fast ones must equal bit for bit (issue 12).
enum QuadraticReference {
    /// `MarketOutcome.envious` as first written: every bidder against every other, O(n²).
    static func envious(_ bidders: [Bidder]) -> Int {
        var envious = 0
        for i in bidders.indices {
            let own = bidders[i].utility
            for j in bidders.indices where j != i {
                let theirs = bidders[i].value * min(bidders[j].received, bidders[i].need) - bidders[j].paid
                if theirs > own + 1e-9 { envious += 1; break }
            }
        }
        return envious
    }

    /// `Allocation.vcg` as first written: the fill and the welfare sum re-run without each
    /// winner, O(winners × bidders). The fill and the order are the model's own (`Allocation`),
    /// unchanged by the fast payments.
    static func vcg(bids: [Double], want: [Double], supply: Double) -> (grant: [Double], pay: [Double]) {
        let order = Allocation.byDescending(bids)
        let grant = Allocation.fill(order: order, want: want, supply: supply)
        var pay = Array(repeating: 0.0, count: bids.count)
        let withAll = grant.indices.reduce(0.0) { $0 + bids[$1] * grant[$1] }
        for i in grant.indices where grant[i] > 0 {
            let without = Allocation.fill(order: order.filter { $0 != i }, want: want, supply: supply)
            let othersWithout = without.indices.reduce(0.0) { $0 + bids[$1] * without[$1] }
            pay[i] = max(0, othersWithout - (withAll - bids[i] * grant[i]))
        }
        return (grant, pay)
    }
}
