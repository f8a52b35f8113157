import Foundation
import SimulationKernel

/// What each pattern does when a task arrives and when an answer comes back.
extension TeamEngine {
    // Roles of requests in patterns with fixed steps.
    static let judgeRole: Int16 = 1000, decomposeRole: Int16 = 1001, partRole: Int16 = 1002,
               integrateRole: Int16 = 1003, humanRole: Int16 = 1004

    var panelSize: Int {
        if case .scatterGather(let k, _) = pattern, k > 0 { return k }
        return scenario.roles.panel.count
    }

    mutating func begin(_ i: Int, _ sim: inout Simulation<CallEvent>) {
        let d = difficulty[i], roles = scenario.roles
        switch pattern {
        case .single(let tier):
            let member = tier >= 0 && tier < roles.tiers.count ? roles.tiers[tier] : roles.primary
            request(i, member: member, role: 0, difficulty: d, &sim)
        case .router(_, _, let escalateAbove, _):
            let estimate = d + 0.2 * (random.uniform(i / scenario.trials, 0, 0, Self.estimateDraw) - 0.5)
            let tier = estimate > escalateAbove && roles.tiers.count > 1 ? 1 : 0
            tasks[i].stage = Int16(tier)
            request(i, member: roles.tiers[tier], role: 0, difficulty: d, &sim)
        case .scatterGather:
            for slot in 0..<panelSize {
                request(i, member: roles.panel[slot % roles.panel.count], role: Int16(slot), difficulty: d, &sim)
            }
        case .debate:
            for (slot, m) in roles.panel.enumerated() { request(i, member: m, role: Int16(slot), difficulty: d, &sim) }
        case .hierarchical:
            request(i, member: roles.lead, role: Self.decomposeRole, difficulty: d, &sim)
        case .pipeline:
            request(i, member: roles.stages[0], role: 0, difficulty: d, &sim)
        case .humanEscalation(let riskAbove, _):
            if let human = roles.human, risk[i] > riskAbove {
                tasks[i].escalations += 1
                request(i, member: human, role: Self.humanRole, difficulty: d, &sim)
            } else {
                request(i, member: roles.assistant, role: 0, difficulty: d, &sim)
            }
        }
    }

    mutating func deliver(_ r: Int, valid: Bool, correct: Bool, confidence: Double, _ sim: inout Simulation<CallEvent>) {
        let i = Int(requests[r].instance), role = requests[r].role, d = difficulty[i], roles = scenario.roles
        let right = valid && correct
        switch pattern {
        case .single:
            complete(i, success: right, &sim)

        case .router(let accuracy, let verifierCost, _, let budget):
            var accepted = false
            if valid {
                tasks[i].cost += verifierCost
                let u = random.uniform(i, Int(tasks[i].stage), 0, Self.verifierDraw)
                accepted = correct ? u < accuracy : u >= accuracy
            }
            let tier = Int(tasks[i].stage)
            if !accepted && tier + 1 < roles.tiers.count && tasks[i].cost < budget {
                tasks[i].stage += 1
                tasks[i].escalations += 1
                request(i, member: roles.tiers[tier + 1], role: 0, difficulty: d, &sim)
            } else {
                complete(i, success: right, &sim)
            }

        case .scatterGather(_, let judge):
            if role == Self.judgeRole {
                complete(i, success: right, &sim)
                return
            }
            tally(i, valid: valid, correct: correct)
            guard tasks[i].pending == 0 else { return }
            if judge {
                if tasks[i].correct == 0 { complete(i, success: false, &sim); return }
                request(i, member: roles.judge, role: Self.judgeRole, difficulty: d, &sim)
            } else {
                complete(i, success: tasks[i].correct * 2 > tasks[i].valid, &sim)
            }

        case .debate(let rounds, let influence):
            tally(i, valid: valid, correct: correct)
            guard tasks[i].pending == 0 else { return }
            if Int(tasks[i].round) >= rounds {
                complete(i, success: tasks[i].correct * 2 > tasks[i].valid, &sim)
                return
            }
            let share = tasks[i].valid > 0 ? Double(tasks[i].correct) / Double(tasks[i].valid) : 0
            tasks[i].round += 1
            tasks[i].valid = 0
            tasks[i].correct = 0
            for (slot, m) in roles.panel.enumerated() {
                request(i, member: m, role: Int16(slot), difficulty: d, influence: influence, peers: share, &sim)
            }

        case .hierarchical(let parts, let decompositionError, let partDifficulty):
            switch role {
            case Self.decomposeRole:
                tasks[i].flagA = valid && random.uniform(i, 0, 0, Self.decompositionDraw) >= decompositionError
                tasks[i].flagB = true
                for part in 0..<parts {
                    request(i, member: roles.workers[part % roles.workers.count], role: Self.partRole,
                            difficulty: d * partDifficulty, &sim)
                }
            case Self.partRole:
                if !right { tasks[i].flagB = false }
                if tasks[i].pending == 0 {
                    request(i, member: roles.lead, role: Self.integrateRole, difficulty: d / 2, &sim)
                }
            default:
                complete(i, success: tasks[i].flagA && tasks[i].flagB && right, &sim)
            }

        case .pipeline(let sendBacks):
            switch tasks[i].stage {
            case 0:                                   // research done
                tasks[i].flagA = right
                tasks[i].stage = 1
                request(i, member: roles.stages[1], role: 0, difficulty: d, &sim)
            case 1:                                   // writing done
                tasks[i].flagB = right
                tasks[i].stage = 2
                request(i, member: roles.stages[2], role: 0, difficulty: d, &sim)
            default:                                  // review done
                let good = tasks[i].flagA && tasks[i].flagB
                // A right review call judges the work correctly; a wrong one misjudges it.
                let flagged = right ? !good : good
                if flagged && Int(tasks[i].sendBacks) < sendBacks {
                    tasks[i].sendBacks += 1
                    tasks[i].escalations += 1
                    tasks[i].stage = 1
                    request(i, member: roles.stages[1], role: 0, difficulty: d, &sim)
                } else {
                    complete(i, success: good, &sim)
                }
            }

        case .humanEscalation(_, let confidenceBelow):
            if role == Self.humanRole {
                complete(i, success: right, &sim)
            } else if let human = roles.human, !valid || confidence < confidenceBelow {
                tasks[i].escalations += 1
                request(i, member: human, role: Self.humanRole, difficulty: d, &sim)
            } else {
                complete(i, success: right, &sim)
            }
        }
    }

    mutating func tally(_ i: Int, valid: Bool, correct: Bool) {
        if valid { tasks[i].valid += 1 }
        if valid && correct { tasks[i].correct += 1 }
    }
}
