import SimulationKernel

/// `router` — README: "cheapest tier first; a verifier judges each answer right with the given
/// accuracy (for a right and for a wrong answer alike) at a cost per check; a rejected answer
/// escalates to the next tier while the task has cost less than the budget; tasks whose
/// estimated difficulty (true ± 0.1) exceeds `escalate-above` skip the first tier".
struct RouterState {
    /// The index into roles.tiers of the member answering now.
    var tier: Int16 = 0
}

extension TeamEngine {
    /// "Cheapest tier first … tasks whose estimated difficulty (true ± 0.1) exceeds
    /// `escalate-above` skip the first tier": the estimate is d + 0.2·(u − 0.5), u drawn per task
    /// (alike for all its trials); skipping needs a second tier.
    mutating func beginRouter(_ i: Int, escalateAbove: Double, _ sim: inout Simulation<CallEvent>) {
        let d = difficulty[i], tiers = scenario.roles.tiers
        let tier = estimatedDifficulty(i) > escalateAbove && tiers.count > 1 ? 1 : 0
        tasks[i].router.tier = Int16(tier)
        request(i, member: tiers[tier], role: .answer, difficulty: d, &sim)
    }

    /// "A verifier judges each answer right with the given accuracy (for a right and for a wrong
    /// answer alike) at a cost per check": a valid answer is checked (charged `verifierCost`)
    /// and accepted when right and the check is, or when wrong and the check is not; a failed
    /// request is not checked and counts as rejected. "A rejected answer escalates to the next
    /// tier while the task has cost less than the budget" (its cost including this check);
    /// otherwise the current answer is final — right or wrong, accepted or not.
    mutating func routerAnswered(_ i: Int, _ answer: Answer, verifierAccuracy: Double, verifierCost: Double,
                                 budget: Double, _ sim: inout Simulation<CallEvent>) {
        let tier = Int(tasks[i].router.tier), tiers = scenario.roles.tiers
        var accepted = false
        if answer.valid {
            tasks[i].cost += verifierCost
            let u = draw(.verifier, i, tier)
            accepted = answer.correct ? u < verifierAccuracy : u >= verifierAccuracy
        }
        if !accepted && tier + 1 < tiers.count && tasks[i].cost < budget {
            tasks[i].router.tier += 1
            tasks[i].escalations += 1
            request(i, member: tiers[tier + 1], role: .answer, difficulty: difficulty[i], &sim)
        } else {
            complete(i, success: answer.right, &sim)
        }
    }
}
