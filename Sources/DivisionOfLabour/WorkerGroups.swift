/// The workers capable of each task type, split into groups, with each agent's group and slot
/// (its index within the group, members in ascending id) per type.
///
/// Split `byProfile`, a type's groups are its *profile classes*: workers with the same speed,
/// skill for that type, reliability and cost rate (compared bit for bit). Every member of a
/// class has the same planned duration, success probability and expected cost for any step of
/// the type, computed by the same floating-point operations, so a strategy can evaluate a
/// class once instead of each member. Unsplit, a type has one group: all its capable workers.
///
/// Memory: two `Int32` per agent and task type.
struct WorkerGroups {
    /// Per task type, its groups in order of their lowest member id; each group's members in
    /// ascending id.
    let groups: [[[Int32]]]
    private let agentCount: Int
    /// `groupIndex[type * agentCount + agent]`: the agent's group for `type`, or -1 when it is not
    /// a worker capable of the type.
    private let groupIndex: ContiguousArray<Int32>
    /// `slotIndex[type * agentCount + agent]`: the agent's index within that group.
    private let slotIndex: ContiguousArray<Int32>

    /// Groups the workers of `capable` (per type, in id order) of `agents`.
    init(capable: [[Int32]], agents: [AgentProfile], byProfile: Bool) {
        struct ProfileKey: Hashable {
            var speed, skill, reliability, cost: UInt64
        }
        agentCount = agents.count
        var groupIndex = ContiguousArray<Int32>(repeating: -1, count: capable.count * agents.count)
        var slotIndex = groupIndex
        var groups: [[[Int32]]] = []
        for (type, workers) in capable.enumerated() {
            var members: [[Int32]] = []
            var known: [ProfileKey: Int] = [:]       // looked up only, never iterated
            for a in workers {
                let profile = agents[Int(a)]
                let group: Int
                if byProfile {
                    let key = ProfileKey(speed: profile.speed.bitPattern, skill: profile.skills[type].bitPattern,
                                         reliability: profile.reliability.bitPattern, cost: profile.costRate.bitPattern)
                    if let existing = known[key] {
                        group = existing
                    } else {
                        group = members.count
                        known[key] = group
                        members.append([])
                    }
                } else {
                    if members.isEmpty { members.append([]) }
                    group = 0
                }
                groupIndex[type * agentCount + Int(a)] = Int32(group)
                slotIndex[type * agentCount + Int(a)] = Int32(members[group].count)
                members[group].append(a)
            }
            groups.append(members)
        }
        self.groups = groups
        self.groupIndex = groupIndex
        self.slotIndex = slotIndex
    }

    /// `agent`'s group for `type`, or -1 if it cannot do the type. O(1).
    @inline(__always)
    func group(of agent: Int, type: Int) -> Int { Int(groupIndex[type * agentCount + agent]) }

    /// `agent`'s index within its group for `type` (undefined if it cannot do the type). O(1).
    @inline(__always)
    func slot(of agent: Int, type: Int) -> Int { Int(slotIndex[type * agentCount + agent]) }
}
