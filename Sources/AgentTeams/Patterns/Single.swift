import SimulationKernel

/// `single` — README: "every task to roles.primary, or to tier `tier` of roles.tiers — the
/// baselines". No state of its own.
extension TeamEngine {
    /// Every task goes to one member: tier `tier` of roles.tiers when it is a valid index
    /// (0 ≤ tier < tiers), otherwise (−1, the default, or out of range) roles.primary.
    mutating func beginSingle(_ i: Int, tier: Int, _ sim: inout Simulation<CallEvent>) {
        request(i, member: scenario.roles.single(tier: tier), role: .answer, difficulty: difficulty[i], &sim)
    }

    /// That member's answer is the final answer (a failed request: wrong).
    mutating func singleAnswered(_ i: Int, _ answer: Answer, _ sim: inout Simulation<CallEvent>) {
        complete(i, success: answer.right, &sim)
    }
}
