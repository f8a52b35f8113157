import SimulationKernel

/// An event of the division-of-labour model: small plain values, no payload objects.
public enum TeamEvent: Sendable {
    /// Job `index` arrives.
    case arrival(Int32)
    /// The worker finishes its current attempt.
    case attemptDone(agent: Int32)
    /// The reviewer finishes its current review.
    case reviewDone(agent: Int32)
    /// Contract net: the announcement of a step reaches the agents, who bid. If the step is
    /// live then, exactly one `awarded` follows, and the model holds the step until it comes
    /// (`TeamState.hold`), so the award finds its values should its job end meanwhile.
    case announce(step: Int32)
    /// Contract net: the award of a step reaches the winning agent.
    case awarded(step: Int32, agent: Int32)
    /// Response threshold: an idle agent looks at the board again.
    case poll(agent: Int32)
}

/// One run: the shared state (`team`) and the strategy that decides (`policy`).
///
/// Each arrival draws the next job (`TeamState.drawNextJob`) and schedules its arrival, so
/// one arrival is pending at a time; every reference to a step that needs its values after its
/// job may end is held and released here or in `TeamState` (attempts and reviews, agents'
/// queues, contract-net messages), so a job is released exactly when nothing needs it.
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
        case .announce(let step):
            // An announcement of a live step is answered by exactly one award (contract net):
            // the step is held in between, so that the award still finds its data should the
            // job end meanwhile.
            let live = team.isLive(Int(step))
            policy.handle(event, &team, &sim)
            if live { team.hold(Int(step)) }
        case .awarded(let step, _):
            policy.handle(event, &team, &sim)
            team.release(Int(step))
        case .poll: policy.handle(event, &team, &sim)
        }
    }

    /// Job `job` (the newest drawn) arrives; the next one is drawn and its arrival scheduled.
    @inline(__always)
    mutating func arrive(_ job: Int, _ sim: inout Simulation<TeamEvent>) {
        team.arrived += 1
        let first = Int(team.workload.firstStep[job])
        let workflow = Int(team.workload.workflow[job])
        let template = Int(team.templates.start[workflow])
        let count = Int(team.templates.start[workflow + 1]) - template
        if team.drawNextJob() {
            sim.schedule(.arrival(Int32(job + 1)), at: team.workload.arrival[job + 1])
        }
        for offset in 0..<count where team.templates.predecessorCount[template + offset] == 0 {
            makeReady(first + offset, &sim)
        }
    }

    /// A step whose predecessors have succeeded (or whose attempt failed and may be retried)
    /// is ready: the strategy decides where it goes.
    @inline(__always)
    mutating func makeReady(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        team.steps[step].readyTime = sim.now
        policy.stepReady(step, &team, &sim)
    }

    @inline(__always)
    mutating func finishAttempt(_ a: Int, _ sim: inout Simulation<TeamEvent>) {
        let step = Int(team.agents[a].current)
        let duration = sim.now - team.agents[a].attemptStart
        team.agents[a].busyTime += duration
        team.agents[a].current = -1
        let attempt = Int(team.steps[step].attempts)
        // An attempt that cannot fail draws no outcome (`WorkloadGenerator.drawsOutcomes`).
        team.steps[step].lastCorrect = team.generator.drawsOutcomes
            ? team.workload.outcome[step, attempt] < team.successProbability(step, agent: a) : true
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

    /// Applies the known outcome of a step's latest attempt, and releases the attempt's hold
    /// on the step (`TeamState.start`).
    @inline(__always)
    mutating func resolve(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
        applyOutcome(step, &sim)
        team.release(step)
    }

    @inline(__always)
    mutating func applyOutcome(_ step: Int, _ sim: inout Simulation<TeamEvent>) {
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
            let index = Int(team.templates.start[Int(team.workload.workflow[job])]) + step - first
            for k in Int(team.templates.successorStart[index])..<Int(team.templates.successorStart[index + 1]) {
                let s = first + Int(team.templates.successors[k])
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
