import SimulationKernel

/// `round-robin`: a ready step goes to the first capable worker after the last agent served,
/// cycling over all agent ids (reviewers included, never chosen); workers keep FIFO queues.
///
/// Tie rule: none — the cycle order is the id order. The scan "ids cursor+1, cursor+2, …
/// (mod n), first capable one" is, over the capable workers in ascending id, "the first id
/// above the cursor, else the lowest": a binary search, O(log n) per decision.
struct RoundRobinPolicy: TeamPolicy {
    /// The agent served last (0 before the first step, so the first goes to the first capable
    /// worker with id ≥ 1, as in the scan).
    var cursor = 0

    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        team.messages += 1
        let a = next(in: team.capable[Int(team.workload.stepType[step])])
        cursor = a
        team.enqueueLocal(step, agent: a, &sim)
    }

    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        team.serveOwnQueue(a, &sim)
    }

    /// The first of `candidates` (ascending ids) above `cursor`, else the first of all.
    func next(in candidates: [Int32]) -> Int {
        var low = 0, high = candidates.count
        while low < high {
            let mid = (low + high) / 2
            if Int(candidates[mid]) <= cursor { low = mid + 1 } else { high = mid }
        }
        return Int(candidates[low < candidates.count ? low : 0])
    }
}
