import SimulationKernel

/// `random`: each ready step goes to a capable worker drawn uniformly from the strategy
/// stream (`capable[type][integer(below: count)]`, capable workers in id order); workers keep
/// FIFO queues. No ties to break. O(1) per decision.
struct RandomPolicy: TeamPolicy {
    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        team.messages += 1
        let candidates = team.capable[Int(team.workload.stepType[step])]
        let a = candidates[team.random.integer(below: candidates.count)]
        team.enqueueLocal(step, agent: Int(a), &sim)
    }

    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        team.serveOwnQueue(a, &sim)
    }
}
