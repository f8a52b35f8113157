@testable import DivisionOfLabour
import SimulationKernel

/// The built-in strategies as they decided before they had indexed structures (coordbench
/// 41ec7bf, `Model+Strategies.swift`), kept as the reference the fast policies must match
/// decision for decision: one switch over the strategy, a scan over the capable agents at
/// every decision, and one board array in ready order from which steps are removed where they
/// stand. Ported line for line; only the state moved (`team.`) and the event plumbing changed.
struct ReferencePolicy: TeamPolicy {
    let strategy: Strategy
    var board: [Int32] = []
    var roundRobinCursor = 0
    var thresholds: [[Double]]
    var pollPending: [Bool]
    var stimulusScratch: [Double]

    init(_ strategy: Strategy, _ team: TeamState) {
        self.strategy = strategy
        thresholds = Array(repeating: [], count: team.agents.count)
        pollPending = Array(repeating: false, count: team.agents.count)
        stimulusScratch = Array(repeating: 0, count: team.scenario.taskTypes.count)
        if case .responseThreshold(let theta0, _, _, _, let lo, let hi) = strategy {
            for a in team.workers.map(Int.init) {
                thresholds[a] = team.agents[a].profile.skills.map { skill in
                    skill > 0 ? min(max(theta0 / skill, lo), hi) : .infinity
                }
            }
        }
    }

    mutating func stepReady(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        let type = Int(team.workload.stepType[step])
        let candidates = team.capable[type]
        switch strategy {
        case .random:
            team.messages += 1
            let a = candidates[team.random.integer(below: candidates.count)]
            team.enqueueLocal(step, agent: Int(a), &sim)
        case .roundRobin:
            team.messages += 1
            team.enqueueLocal(step, agent: nextInCycle(candidates, team), &sim)
        case .leastLoaded:
            var best = -1
            for a in candidates.lazy.map(Int.init) where team.agents[a].isIdle {
                if best < 0 || team.agents[a].busyTime < team.agents[best].busyTime { best = a }
            }
            if best >= 0 {
                team.messages += 1
                team.start(step, agent: best, &sim)
            } else {
                board.append(Int32(step))
            }
        case .skillRouting(let minSuccess):
            let bar = qualificationBar(step, minSuccess: minSuccess, team)
            var best = -1
            var bestCost = Double.infinity
            for a in candidates.lazy.map(Int.init) where team.agents[a].isIdle {
                let p = team.successProbability(step, agent: a)
                guard p >= bar, p > 0 else { continue }
                let cost = team.agents[a].profile.costRate * team.plannedDuration(step, agent: a) / p
                if cost < bestCost { best = a; bestCost = cost }
            }
            if best >= 0 {
                team.messages += 1
                team.start(step, agent: best, &sim)
            } else {
                board.append(Int32(step))
            }
        case .contractNet(let delay, _):
            team.messages += candidates.count
            sim.schedule(.announce(step: Int32(step)), after: delay)
        case .responseThreshold:
            board.append(Int32(step))
            for a in candidates.lazy.map(Int.init) where team.agents[a].isIdle && !pollPending[a] {
                lookAtBoard(a, &team, &sim)
            }
        case .custom:
            preconditionFailure("the reference covers the built-in strategies")
        }
    }

    mutating func workerFree(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        switch strategy {
        case .random, .roundRobin, .contractNet:
            if let step = team.popLocal(a) { team.start(step, agent: a, &sim) }
        case .leastLoaded:
            if let step = takeFromBoard(team, where: { team, step in
                team.agents[a].profile.skills[Int(team.workload.stepType[step])] > 0
            }) {
                team.messages += 1
                team.start(step, agent: a, &sim)
            }
        case .skillRouting(let minSuccess):
            if let step = takeFromBoard(team, where: { team, step in
                let p = team.successProbability(step, agent: a)
                return p > 0 && p >= Self.qualificationBarOf(step, minSuccess: minSuccess, team)
            }) {
                team.messages += 1
                team.start(step, agent: a, &sim)
            }
        case .responseThreshold:
            lookAtBoard(a, &team, &sim)
        case .custom:
            preconditionFailure("the reference covers the built-in strategies")
        }
    }

    mutating func handle(_ event: TeamEvent, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        switch event {
        case .announce(let step): announce(Int(step), &team, &sim)
        case .awarded(let step, let agent): team.enqueueLocal(Int(step), agent: Int(agent), &sim)
        case .poll(let agent):
            pollPending[Int(agent)] = false
            if team.agents[Int(agent)].isIdle { lookAtBoard(Int(agent), &team, &sim) }
        default: preconditionFailure("not a strategy event: \(event)")
        }
    }

    func qualificationBar(_ step: Int, minSuccess: Double, _ team: TeamState) -> Double {
        Self.qualificationBarOf(step, minSuccess: minSuccess, team)
    }

    static func qualificationBarOf(_ step: Int, minSuccess: Double, _ team: TeamState) -> Double {
        var best = 0.0
        for a in team.capable[Int(team.workload.stepType[step])] {
            best = max(best, team.successProbability(step, agent: Int(a)))
        }
        return min(minSuccess, best)
    }

    mutating func takeFromBoard(_ team: TeamState, where accept: (TeamState, Int) -> Bool) -> Int? {
        var i = 0
        while i < board.count {
            let step = Int(board[i])
            if !team.isLive(step) {
                board.remove(at: i)
                continue
            }
            if accept(team, step) {
                board.remove(at: i)
                return step
            }
            i += 1
        }
        return nil
    }

    mutating func nextInCycle(_ candidates: [Int32], _ team: TeamState) -> Int {
        let n = team.agents.count
        for k in 1...n {
            let a = (roundRobinCursor + k) % n
            if candidates.contains(Int32(a)) {
                roundRobinCursor = a
                return a
            }
        }
        return Int(candidates[0])
    }

    mutating func announce(_ step: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        guard case .contractNet(let delay, let award) = strategy, team.isLive(step) else { return }
        let candidates = team.capable[Int(team.workload.stepType[step])]
        team.messages += candidates.count
        var best = -1
        var bestValue = Double.infinity
        for a in candidates.lazy.map(Int.init) {
            let p = team.successProbability(step, agent: a)
            guard p > 0 else { continue }
            let duration = team.plannedDuration(step, agent: a)
            let value: Double
            switch award {
            case .earliestFinish:
                var backlog = team.agents[a].backlog
                if !team.agents[a].isIdle, team.agents[a].profile.role == .worker {
                    let current = Int(team.agents[a].current)
                    backlog += max(0, team.agents[a].attemptStart + team.plannedDuration(current, agent: a) - sim.now)
                }
                value = backlog + duration / p
            case .cheapest:
                value = team.agents[a].profile.costRate * duration / p
            }
            if value < bestValue { best = a; bestValue = value }
        }
        if best < 0 { best = Int(candidates[0]) }
        team.messages += 1
        sim.schedule(.awarded(step: Int32(step), agent: Int32(best)), after: 2 * delay)
    }

    mutating func lookAtBoard(_ a: Int, _ team: inout TeamState, _ sim: inout Simulation<TeamEvent>) {
        guard case .responseThreshold(_, let learning, let forgetting, let poll, let lo, let hi) = strategy else { return }
        var kept = 0
        for i in board.indices where team.isLive(Int(board[i])) {
            board[kept] = board[i]
            kept += 1
        }
        board.removeLast(board.count - kept)
        let skills = team.agents[a].profile.skills
        var stimulus = stimulusScratch
        stimulusScratch = []
        defer { stimulusScratch = stimulus }
        for t in stimulus.indices { stimulus[t] = 0 }
        var total = 0.0
        for step in board {
            let type = Int(team.workload.stepType[Int(step)])
            if skills[type] > 0 { stimulus[type] += 1; total += 1 }
        }
        guard total > 0 else { return }
        var pick = team.random.uniform() * total
        var type = 0
        while type < stimulus.count - 1 && (stimulus[type] == 0 || pick >= stimulus[type]) {
            pick -= stimulus[type]
            type += 1
        }
        let s = stimulus[type]
        let theta = thresholds[a][type]
        let engage = team.random.uniform() < s * s / (s * s + theta * theta)
        if engage, let step = takeFromBoard(team, where: { team, step in Int(team.workload.stepType[step]) == type }) {
            for t in thresholds[a].indices where skills[t] > 0 {
                thresholds[a][t] = t == type
                    ? max(lo, thresholds[a][t] - learning)
                    : min(hi, thresholds[a][t] + forgetting)
            }
            team.start(step, agent: a, &sim)
        } else if !pollPending[a] {
            pollPending[a] = true
            sim.schedule(.poll(agent: Int32(a)), after: poll)
        }
    }
}
