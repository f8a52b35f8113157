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
    /// winner, O(winners × bidders).
    static func vcg(bids: [Double], want: [Double], supply: Double) -> (grant: [Double], pay: [Double]) {
        let order = byDescending(bids)
        let grant = fill(order: order, want: want, supply: supply)
        var pay = Array(repeating: 0.0, count: bids.count)
        let withAll = grant.indices.reduce(0.0) { $0 + bids[$1] * grant[$1] }
        for i in grant.indices where grant[i] > 0 {
            let without = fill(order: order.filter { $0 != i }, want: want, supply: supply)
            let othersWithout = without.indices.reduce(0.0) { $0 + bids[$1] * without[$1] }
            pay[i] = max(0, othersWithout - (withAll - bids[i] * grant[i]))
        }
        return (grant, pay)
    }

    static func fill(order: [Int], want: [Double], supply: Double) -> [Double] {
        var grant = Array(repeating: 0.0, count: want.count)
        var left = supply
        for i in order where left > 0 {
            grant[i] = min(want[i], left)
            left -= grant[i]
        }
        return grant
    }

    static func byDescending(_ keys: [Double]) -> [Int] {
        keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }
    }
}
