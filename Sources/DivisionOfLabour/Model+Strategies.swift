import SimulationKernel

/// The decisions each strategy makes: where a ready step goes, and what a freed agent does.
extension TeamModel {
    /// A step whose predecessors have succeeded (or whose attempt failed and may be retried)
    /// is ready: the strategy decides where it goes.
    mutating func makeReady(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        steps[step].readyTime = sim.now
        let type = Int(workload.stepType[step])
        let candidates = capable[type]
        switch strategy {
        case .random:
            messages += 1
            let a = candidates[strategyStream.integer(below: candidates.count)]
            enqueueLocal(step, agent: Int(a), &sim)
        case .roundRobin:
            messages += 1
            enqueueLocal(step, agent: nextInCycle(candidates), &sim)
        case .leastLoaded:
            var best = -1
            for a in candidates.lazy.map(Int.init) where agents[a].isIdle {
                if best < 0 || agents[a].busyTime < agents[best].busyTime { best = a }
            }
            if best >= 0 {
                messages += 1
                start(step, agent: best, &sim)
            } else {
                board.append(Int32(step))
            }
        case .skillRouting(let minSuccess):
            let bar = qualificationBar(step, minSuccess: minSuccess)
            var best = -1
            var bestCost = Double.infinity
            for a in candidates.lazy.map(Int.init) where agents[a].isIdle {
                let p = successProbability(step, agent: a)
                guard p >= bar, p > 0 else { continue }
                let cost = agents[a].profile.costRate * plannedDuration(step, agent: a) / p
                if cost < bestCost { best = a; bestCost = cost }
            }
            if best >= 0 {
                messages += 1
                start(step, agent: best, &sim)
            } else {
                board.append(Int32(step))
            }
        case .contractNet(let delay, _):
            messages += candidates.count            // announcements
            sim.schedule(.announce(step: Int32(step)), after: delay)
        case .responseThreshold:
            board.append(Int32(step))
            for a in candidates.lazy.map(Int.init) where agents[a].isIdle && !agents[a].pollPending {
                lookAtBoard(a, &sim)
            }
        case .custom:
            placeByRule(step, &sim)
        }
    }

    /// An agent finished its work: it takes its next step according to the strategy.
    mutating func agentBecameFree(_ a: Int, _ sim: inout Simulation<TeamEvent>) {
        switch strategy {
        case .random, .roundRobin, .contractNet:
            if let step = popLocal(a) { start(step, agent: a, &sim) }
        case .leastLoaded:
            if let step = takeFromBoard(where: { model, step in
                model.agents[a].profile.skills[Int(model.workload.stepType[step])] > 0
            }) {
                messages += 1
                start(step, agent: a, &sim)
            }
        case .skillRouting(let minSuccess):
            if let step = takeFromBoard(where: { model, step in
                let p = model.successProbability(step, agent: a)
                return p > 0 && p >= model.qualificationBar(step, minSuccess: minSuccess)
            }) {
                messages += 1
                start(step, agent: a, &sim)
            }
        case .responseThreshold:
            lookAtBoard(a, &sim)
        case .custom:
            nextByRule(a, &sim)
        }
    }

    /// The success probability an agent needs to qualify for `step` under skill routing:
    /// `minSuccess`, lowered to the best capable agent's probability when nobody reaches it.
    func qualificationBar(_ step: Int, minSuccess: Double) -> Double {
        var best = 0.0
        for a in capable[Int(workload.stepType[step])] {
            best = max(best, successProbability(step, agent: Int(a)))
        }
        return min(minSuccess, best)
    }

    /// Removes and returns the oldest live step on the board that satisfies `accept`,
    /// discarding steps of abandoned jobs on the way.
    mutating func takeFromBoard(where accept: (TeamModel, Int) -> Bool) -> Int? {
        var i = 0
        while i < board.count {
            let step = Int(board[i])
            if !isLive(step) {
                board.remove(at: i)
                continue
            }
            if accept(self, step) {
                board.remove(at: i)
                return step
            }
            i += 1
        }
        return nil
    }

    /// Round robin: the next capable agent after the last one served, in id order.
    mutating func nextInCycle(_ candidates: [Int32]) -> Int {
        let n = agents.count
        for k in 1...n {
            let a = (roundRobinCursor + k) % n
            if candidates.contains(Int32(a)) {
                roundRobinCursor = a
                return a
            }
        }
        return Int(candidates[0])
    }

    /// Contract net: the announcement arrives; every capable agent bids from what it knows
    /// now, and the manager awards the step; bid and award each take one message delay.
    mutating func announce(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        guard case .contractNet(let delay, let award) = strategy, isLive(step) else { return }
        let candidates = capable[Int(workload.stepType[step])]
        messages += candidates.count                // bids
        var best = -1
        var bestValue = Double.infinity
        for a in candidates.lazy.map(Int.init) {
            let p = successProbability(step, agent: a)
            guard p > 0 else { continue }
            let duration = plannedDuration(step, agent: a)
            let value: Double
            switch award {
            case .earliestFinish:
                var backlog = agents[a].backlog
                if !agents[a].isIdle, agents[a].profile.role == .worker {
                    let current = Int(agents[a].current)
                    backlog += max(0, agents[a].attemptStart + plannedDuration(current, agent: a) - sim.now)
                }
                value = backlog + duration / p
            case .cheapest:
                value = agents[a].profile.costRate * duration / p
            }
            if value < bestValue { best = a; bestValue = value }
        }
        if best < 0 { best = Int(candidates[0]) }
        messages += 1                               // award
        sim.schedule(.awarded(step: Int32(step), agent: Int32(best)), after: 2 * delay)
    }

    /// Response threshold: an idle agent weighs the board. It picks a type with probability
    /// proportional to its stimulus (waiting steps it can do), engages with probability
    /// s²/(s² + θ²), and otherwise looks again after the poll interval while work waits.
    mutating func lookAtBoard(_ a: Int, _ sim: inout Simulation<TeamEvent>) {
        guard case .responseThreshold(_, let learning, let forgetting, let poll, let lo, let hi) = strategy else { return }
        var kept = 0
        for i in board.indices where isLive(Int(board[i])) {
            board[kept] = board[i]
            kept += 1
        }
        board.removeLast(board.count - kept)
        let skills = agents[a].profile.skills
        var stimulus = stimulusScratch           // reused buffer: no allocation per look
        stimulusScratch = []
        defer { stimulusScratch = stimulus }
        for t in stimulus.indices { stimulus[t] = 0 }
        var total = 0.0
        for step in board {
            let type = Int(workload.stepType[Int(step)])
            if skills[type] > 0 { stimulus[type] += 1; total += 1 }
        }
        guard total > 0 else { return }             // nothing this agent can do: sleep until woken
        var pick = strategyStream.uniform() * total
        var type = 0
        while type < stimulus.count - 1 && (stimulus[type] == 0 || pick >= stimulus[type]) {
            pick -= stimulus[type]
            type += 1
        }
        let s = stimulus[type]
        let theta = agents[a].thresholds[type]
        let engage = strategyStream.uniform() < s * s / (s * s + theta * theta)
        if engage, let step = takeFromBoard(where: { model, step in Int(model.workload.stepType[step]) == type }) {
            for t in agents[a].thresholds.indices where skills[t] > 0 {
                agents[a].thresholds[t] = t == type
                    ? max(lo, agents[a].thresholds[t] - learning)
                    : min(hi, agents[a].thresholds[t] + forgetting)
            }
            start(step, agent: a, &sim)
        } else if !agents[a].pollPending {
            agents[a].pollPending = true
            sim.schedule(.poll(agent: Int32(a)), after: poll)
        }
    }
}
