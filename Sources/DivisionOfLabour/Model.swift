import SimulationKernel

/// An event of the division-of-labour model: small plain values, no payload objects.
public enum TeamEvent: Sendable {
    /// Job `index` arrives.
    case arrival(Int32)
    /// The worker finishes its current attempt.
    case attemptDone(agent: Int32)
    /// The reviewer finishes its current review.
    case reviewDone(agent: Int32)
    /// Contract net: the announcement of a step reaches the agents, who bid.
    case announce(step: Int32)
    /// Contract net: the award of a step reaches the winning agent.
    case awarded(step: Int32, agent: Int32)
    /// Response threshold: an idle agent looks at the board again.
    case poll(agent: Int32)
}

/// One run: the shared state (`team`) and the strategy that decides (`policy`).
///
/// The model applies what does not depend on the strategy — arrivals, attempts and their
/// outcomes, retries, abandoned jobs, reviews — and asks the policy at each decision. The
/// policy is a concrete type (`TeamPolicy`), so the event loop is specialised for it.
struct TeamModel<Policy: TeamPolicy>: EventHandler {
    typealias Event = TeamEvent

    var team: TeamState
    var policy: Policy

    mutating func handle(_ event: TeamEvent, in sim: inout Simulation<TeamEvent>) {
        switch event {
        case .arrival(let job): arrive(Int(job), &sim)
        case .attemptDone(let agent): finishAttempt(Int(agent), &sim)
        case .reviewDone(let agent): finishReview(Int(agent), &sim)
        case .announce, .awarded, .poll: policy.handle(event, &team, &sim)
        }
    }

    mutating func arrive(_ job: Int, _ sim: inout Simulation<TeamEvent>) {
        team.arrived += 1
        let workload = team.workload
        let first = Int(workload.firstStep[job])
        let template = team.scenario.workflows[Int(workload.workflow[job])].steps
        team.jobs.append(TeamJob(remainingSteps: Int32(template.count)))
        for (offset, step) in template.enumerated() {
            team.steps[first + offset].remainingPredecessors = Int32(step.predecessors.count)
        }
        if job + 1 < workload.jobCount {
            sim.schedule(.arrival(Int32(job + 1)), at: workload.arrival[job + 1])
        }
        for (offset, step) in template.enumerated() where step.predecessors.isEmpty {
            makeReady(first + offset, &sim)
        }
    }

    /// A step whose predecessors have succeeded (or whose attempt failed and may be retried)
    /// is ready: the strategy decides where it goes.
    mutating func makeReady(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        team.steps[step].readyTime = sim.now
        policy.stepReady(step, &team, &sim)
    }

    mutating func finishAttempt(_ a: Int, _ sim: inout Simulation<TeamEvent>) {
        let step = Int(team.agents[a].current)
        let duration = sim.now - team.agents[a].attemptStart
        team.agents[a].busyTime += duration
        team.agents[a].current = -1
        let attempt = Int(team.steps[step].attempts)
        let type = Int(team.workload.stepType[step])
        let p = team.scenario.successProbability(
            team.agents[a].profile, type: type, difficulty: team.workload.stepDifficulty[step])
        team.steps[step].lastCorrect = team.workload.outcome[step * team.workload.maxAttempts + attempt] < p
        team.steps[step].lastAgent = Int32(a)
        team.steps[step].lastDuration = duration
        policy.workerStopped(a, &team)
        switch team.scenario.detection {
        case .immediate: resolve(step, &sim)
        case .reviewer: team.queueForReview(step, &sim)
        }
        if team.agents[a].isIdle { policy.workerFree(a, &team, &sim) }
    }

    mutating func finishReview(_ r: Int, _ sim: inout Simulation<TeamEvent>) {
        let step = Int(team.agents[r].current)
        team.agents[r].busyTime += sim.now - team.agents[r].attemptStart
        team.agents[r].current = -1
        resolve(step, &sim)
        team.startReview(r, &sim)
    }

    /// Applies the known outcome of a step's latest attempt.
    mutating func resolve(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        let job = Int(team.workload.stepJob[step])
        guard !team.jobs[job].ended else {
            team.wastedWork += team.steps[step].lastDuration   // work for an abandoned job
            return
        }
        if team.steps[step].lastCorrect {
            team.jobs[job].remainingSteps -= 1
            if team.jobs[job].remainingSteps == 0 {
                team.jobs[job].ended = true
                team.completed += 1
                team.lastJobEnd = sim.now
                team.sojourns.append(sim.now - team.workload.arrival[job])
                return
            }
            let first = Int(team.workload.firstStep[job])
            let offset = step - first
            for next in team.successors[Int(team.workload.workflow[job])][offset] {
                let s = first + Int(next)
                team.steps[s].remainingPredecessors -= 1
                if team.steps[s].remainingPredecessors == 0 { makeReady(s, &sim) }
            }
        } else {
            team.wastedWork += team.steps[step].lastDuration
            team.steps[step].attempts += 1
            if Int(team.steps[step].attempts) < team.workload.maxAttempts {
                makeReady(step, &sim)
            } else {
                team.jobs[job].ended = true
                team.jobs[job].failed = true
                team.failedJobs += 1
                team.lastJobEnd = sim.now
                policy.jobAbandoned(job, &team)
            }
        }
    }
}
