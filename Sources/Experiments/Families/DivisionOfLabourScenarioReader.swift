import DivisionOfLabour
import SimulationKernel
import Yams
import Vocabulary

/// Reads a division-of-labour scenario from its YAML node (see README, "Scenario files").
enum DivisionOfLabourScenarioReader {
    static let topKeys = ["name", "family", "description", "horizon", "event-budget", "task-types", "agents",
                          "workload", "failures"]

    static func read(_ root: Node, name: String, in file: ConfigFile) -> DivisionOfLabourScenario? {
        guard let top = Fields(root, in: file, what: "scenario", allowed: topKeys) else { return nil }
        let horizon = top.number("horizon", what: "scenario", default: .infinity, in: 0...Double.infinity,
                                 exclusiveLower: true)
        let budget = top.eventBudget(default: DivisionOfLabourScenario.defaultEventBudget)

        // Task types.
        var types: [String] = []
        if let node = top.required("task-types", what: "scenario"), let list = file.stringList(node, field: "task-types") {
            var seen: Set<String> = []
            for (type, item) in list {
                if !seen.insert(type).inserted { file.error("duplicate task type '\(excerpt(type))'", at: item) }
                types.append(type)
            }
            if types.isEmpty { file.error("task-types must name at least one type", at: node) }
        }

        let agents = top.required("agents", what: "scenario").flatMap { readAgents($0, types: types, in: file) } ?? []
        let failures = readFailures(top["failures"], in: file)
        let workload = top.required("workload", what: "scenario").flatMap {
            readWorkload($0, types: types, maxAttempts: failures?.maxAttempts ?? 3, in: file)
        }

        // Cross-checks: every type someone can do; reviewers when reviews are asked for.
        if !types.isEmpty && !agents.isEmpty {
            for (index, type) in types.enumerated()
            where !agents.contains(where: { $0.role == .worker && $0.skills[index] > 0 }) {
                file.error("no worker has a skill for task type '\(type)'", at: top["agents"])
            }
            if case .reviewer = failures?.detection, !agents.contains(where: { $0.role == .reviewer }) {
                file.error("failures.detection is 'reviewer' but no agent has role 'reviewer'", at: top["failures"])
            }
            if !agents.contains(where: { $0.role == .worker }) {
                file.error("the team needs at least one agent with role 'worker'", at: top["agents"])
            }
        }
        guard let horizon, let budget, let failures, let workload, !agents.isEmpty, !types.isEmpty else { return nil }
        let scenario = DivisionOfLabourScenario(
            name: name, taskTypes: types, agents: agents, arrivals: workload.arrivals, workflows: workload.workflows,
            size: workload.size, difficulty: workload.difficulty, detection: failures.detection,
            maxAttempts: failures.maxAttempts, skillSensitivity: failures.sensitivity, horizon: horizon,
            eventBudget: budget)
        guard scenario.maximumStepCount <= Double(DivisionOfLabourScenario.maximumSteps) else {
            file.error("the workload can have \(formatNumber(scenario.maximumStepCount)) steps (jobs × steps of the longest "
                       + "workflow); at most \(DivisionOfLabourScenario.maximumSteps) are supported", at: top["workload"])
            return nil
        }
        return scenario
    }

    static func readAgents(_ node: Node, types: [String], in file: ConfigFile) -> [AgentProfile]? {
        guard case .sequence(let groups) = node, !groups.isEmpty else {
            file.error("agents must be a non-empty list of agent groups", at: node)
            return nil
        }
        var agents: [AgentProfile] = []
        var names: Set<String> = []
        var ok = true
        // Team size is checked before any agent is made, so a huge team is an error, not an
        // exhausted machine: at most `maximumAgents`, and agents × task types bounded too.
        var teamSize = 0
        for group in groups {
            let keys = ["name", "count", "role", "speed", "cost", "reliability", "skills"]
            guard let fields = Fields(group, in: file, what: "agent", allowed: keys) else { ok = false; continue }
            let what = "agent"
            let name = fields.string("name", what: what, required: true)
            if let name {
                if !names.insert(name).inserted { file.error("duplicate agent name '\(excerpt(name))'", at: fields["name"]) }
            }
            let count = fields.integer("count", what: what, default: 1, in: 1...DivisionOfLabourScenario.maximumAgents)
            if let count {
                teamSize += count
                if teamSize > DivisionOfLabourScenario.maximumAgents {
                    file.error("the team has more than \(DivisionOfLabourScenario.maximumAgents) agents with this group; "
                               + "at most \(DivisionOfLabourScenario.maximumAgents) are supported", at: fields["count"] ?? group)
                    return nil
                }
                if teamSize * max(types.count, 1) > DivisionOfLabourScenario.maximumSkillEntries {
                    file.error("\(teamSize) agents × \(types.count) task types is more than "
                               + "\(DivisionOfLabourScenario.maximumSkillEntries) skill levels; "
                               + "use fewer agents or task types", at: fields["count"] ?? group)
                    return nil
                }
            }
            var role: Role? = .worker
            if let roleNode = fields["role"], let text = fields.scalarString(roleNode, field: "role") {
                role = Role(rawValue: text)
                if role == nil { file.error(unknownMessage("role", text, known: Role.allCases.map(\.rawValue)), at: roleNode) }
            }
            let speed = fields.number("speed", what: what, default: AgentProfile.defaultSpeed, in: 1e-6...1e9)
            let cost = fields.number("cost", what: what, default: AgentProfile.defaultCostRate, in: 0...1e12)
            let reliability = fields.number("reliability", what: what, default: AgentProfile.defaultReliability, in: 0...1)
            var skills: [Double]? = Array(repeating: role == .reviewer ? 0 : 1, count: types.count)
            if let skillNode = fields["skills"] {
                // Without task types (already reported) skills cannot be checked.
                skills = types.isEmpty ? [] : readSkills(skillNode, types: types, in: file)
            } else if role == .worker {
                file.error("missing field 'skills' in agent (a level 0…1 per task type, or one number for all)",
                           at: group)
                skills = nil
            }
            guard let name, let count, let role, let speed, let cost, let reliability, let skills else { ok = false; continue }
            for i in 1...count {
                agents.append(AgentProfile(
                    name: count == 1 ? name : "\(name)-\(i)", role: role, speed: speed, costRate: cost,
                    reliability: reliability, skills: skills))
            }
        }
        return ok ? agents : nil
    }

    static func readSkills(_ node: Node, types: [String], in file: ConfigFile) -> [Double]? {
        // A skill is 0 (cannot do the type) or at least 0.001, so durations stay finite.
        func level(_ value: Node, field: String) -> Double? {
            guard let level = file.number(value, field: field, in: 0...1) else { return nil }
            guard level == 0 || level >= 0.001 else {
                file.error("\(field) \(formatNumber(level)) is out of range; must be 0 (cannot do it) or from 0.001 to 1",
                           at: value)
                return nil
            }
            return level
        }
        if case .scalar = node {
            return level(node, field: "skills").map { Array(repeating: $0, count: types.count) }
        }
        guard let fields = Fields(node, in: file, what: "skills", allowed: types) else { return nil }
        let index = Dictionary(types.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var skills = Array(repeating: 0.0, count: types.count)
        var ok = true
        for (key, value) in fields.pairs {
            guard let type = key.string, let i = index[type] else { ok = false; continue }
            if let l = level(value, field: "skills.\(type)") { skills[i] = l } else { ok = false }
        }
        return ok ? skills : nil
    }

    struct Failures {
        var detection: FailureDetection
        var maxAttempts: Int
        var sensitivity: Double
    }

    static func readFailures(_ node: Node?, in file: ConfigFile) -> Failures? {
        guard let node else {
            return Failures(detection: .immediate, maxAttempts: DivisionOfLabourScenario.defaultMaxAttempts,
                            sensitivity: DivisionOfLabourScenario.defaultSkillSensitivity)
        }
        let keys = ["detection", "review-time", "max-attempts", "skill-sensitivity"]
        guard let fields = Fields(node, in: file, what: "failures", allowed: keys) else { return nil }
        let attempts = fields.integer("max-attempts", what: "failures",
                                      default: DivisionOfLabourScenario.defaultMaxAttempts, in: 1...1000)
        let sensitivity = fields.number("skill-sensitivity", what: "failures",
                                        default: DivisionOfLabourScenario.defaultSkillSensitivity, in: 0...1000)
        var detection: FailureDetection? = .immediate
        let mode = fields.string("detection", what: "failures") ?? "immediate"
        switch mode {
        case "immediate":
            if let extra = fields["review-time"] {
                file.error("review-time is only used with detection 'reviewer'", at: extra)
            }
        case "reviewer":
            detection = fields.required("review-time", what: "failures (detection 'reviewer')")
                .flatMap { file.distribution($0, field: "review-time") }
                .map { .reviewer(time: $0) }
        default:
            file.error(unknownMessage("detection", mode, known: ["immediate", "reviewer"]), at: fields["detection"])
            detection = nil
        }
        guard let detection, let attempts, let sensitivity else { return nil }
        return Failures(detection: detection, maxAttempts: attempts, sensitivity: sensitivity)
    }

    struct WorkloadSpec {
        var arrivals: ArrivalProcess
        var workflows: [Workflow]
        var size: Distribution
        var difficulty: Distribution
    }

    static func readWorkload(_ node: Node, types: [String], maxAttempts: Int, in file: ConfigFile) -> WorkloadSpec? {
        let keys = ["arrivals", "mix", "workflows", "size", "difficulty"]
        guard let fields = Fields(node, in: file, what: "workload", allowed: keys) else { return nil }
        let arrivals = fields.required("arrivals", what: "workload").flatMap { readArrivals($0, in: file) }
        let size = fields["size"].map { file.distribution($0, field: "size") } ?? .constant(1)
        let difficulty = fields["difficulty"].map { file.distribution($0, field: "difficulty") } ?? .constant(0)
        if let size, size.mean <= 0 { file.error("size must have a positive mean", at: fields["size"]) }

        var workflows: [Workflow]?
        if let flows = fields["workflows"] {
            if let mix = fields["mix"] { file.error("give either 'mix' or 'workflows', not both", at: mix) }
            workflows = readWorkflows(flows, types: types, in: file)
        } else if let mixNode = fields["mix"] {
            guard let mix = Fields(mixNode, in: file, what: "mix", allowed: types) else { return nil }
            let index = Dictionary(types.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            var weights = Array(repeating: 0.0, count: types.count)
            for (key, value) in mix.pairs {
                if let type = key.string, let i = index[type],
                   let w = file.number(value, field: "mix.\(type)", in: 0...1e12) { weights[i] = w }
            }
            if weights.reduce(0, +) <= 0 { file.error("mix weights must have a positive sum", at: mixNode) }
            workflows = types.indices.filter { weights[$0] > 0 }.map {
                Workflow(name: types[$0], weight: weights[$0], steps: [WorkflowStep(type: $0)])
            }
        } else {
            workflows = types.indices.map { Workflow(name: types[$0], weight: 1, steps: [WorkflowStep(type: $0)]) }
        }
        guard let arrivals, let size, let difficulty, let workflows, !workflows.isEmpty else { return nil }
        return WorkloadSpec(arrivals: arrivals, workflows: workflows, size: size, difficulty: difficulty)
    }

    static func readArrivals(_ node: Node, in file: ConfigFile) -> ArrivalProcess? {
        let keys = ["process", "rate", "count", "until"]
        guard let fields = Fields(node, in: file, what: "arrivals", allowed: keys),
              let process = fields.string("process", what: "arrivals", required: true) else { return nil }
        switch process {
        case "poisson":
            let rate = fields.number("rate", what: "arrivals", in: 0...1e9, exclusiveLower: true)
            let count = fields["count"].flatMap { file.integer($0, field: "count", in: 0...Workload.maxJobs) }
            let until = fields["until"].flatMap { file.number($0, field: "until", in: 0...1e12) }
            if !fields.has("count") && !fields.has("until") {
                file.error("poisson arrivals need 'count' (jobs) or 'until' (time), or both", at: node)
                return nil
            }
            guard let rate else { return nil }
            if let c = fields["count"], count == nil { _ = c; return nil }
            if let u = fields["until"], until == nil { _ = u; return nil }
            if let until, count == nil, rate * until > Double(Workload.maxJobs) {
                file.error("rate × until expects about \(formatNumber((rate * until).rounded())) jobs; at most "
                           + "\(Workload.maxJobs) are supported", at: fields["until"])
                return nil
            }
            return .poisson(rate: rate, count: count, until: until)
        case "batch":
            if let rate = fields["rate"] { file.error("batch arrivals take no 'rate'", at: rate) }
            if let until = fields["until"] { file.error("batch arrivals take no 'until'", at: until) }
            return fields.integer("count", what: "arrivals", in: 0...Workload.maxJobs).map { .batch(count: $0) }
        default:
            file.error(unknownMessage("arrival process", process, known: ["poisson", "batch"]), at: fields["process"])
            return nil
        }
    }

    static func readWorkflows(_ node: Node, types: [String], in file: ConfigFile) -> [Workflow]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            file.error("workflows must be a non-empty list", at: node)
            return nil
        }
        var workflows: [Workflow] = []
        var ok = true
        let typeIndex = Dictionary(types.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for item in items {
            guard let fields = Fields(item, in: file, what: "workflow", allowed: ["name", "weight", "steps"]),
                  let name = fields.string("name", what: "workflow", required: true),
                  let weight = fields.number("weight", what: "workflow", default: 1, in: 0...1e12),
                  let stepsNode = fields.required("steps", what: "workflow '\(name)'")
            else { ok = false; continue }
            guard case .sequence(let stepNodes) = stepsNode, !stepNodes.isEmpty else {
                file.error("steps of workflow '\(name)' must be a non-empty list", at: stepsNode)
                ok = false
                continue
            }
            var stepNames: [String] = []
            var stepIndex: [String: Int] = [:]
            var steps: [WorkflowStep] = []
            for stepNode in stepNodes {
                guard let step = Fields(stepNode, in: file, what: "step", allowed: ["name", "type", "after"]),
                      let stepName = step.string("name", what: "step", required: true),
                      let type = step.string("type", what: "step '\(stepName)'", required: true)
                else { ok = false; continue }
                if stepIndex[stepName] != nil {
                    file.error("duplicate step name '\(excerpt(stepName))'", at: step["name"]); ok = false
                }
                guard let typeIndex = typeIndex[type] else {
                    file.error(unknownMessage("task type", type, known: types), at: step["type"])
                    ok = false
                    continue
                }
                var predecessors: [Int] = []
                if let after = step["after"], let list = file.stringList(after, field: "after") {
                    for (dependency, at) in list {
                        if let index = stepIndex[dependency] {
                            predecessors.append(index)
                        } else {
                            file.error("step '\(stepName)' comes after '\(dependency)', which is not an earlier step "
                                       + "of workflow '\(name)'; earlier steps: "
                                       + (stepNames.isEmpty ? "none" : stepNames.prefix(24).map { excerpt($0) }
                                            .joined(separator: ", ") + (stepNames.count > 24 ? ", …" : "")), at: at)
                            ok = false
                        }
                    }
                }
                if stepIndex[stepName] == nil { stepIndex[stepName] = stepNames.count }
                stepNames.append(stepName)
                steps.append(WorkflowStep(type: typeIndex, predecessors: predecessors))
            }
            workflows.append(Workflow(name: name, weight: weight, steps: steps))
        }
        if ok && workflows.allSatisfy({ $0.weight == 0 }) {
            file.error("workflow weights must have a positive sum", at: node)
            ok = false
        }
        return ok ? workflows : nil
    }
}

extension DivisionOfLabourFamily: ScenarioFamily {
    public static var strategies: [StrategyDeclaration<Strategy>] { Strategy.catalogue }
    public static var metrics: [MetricDeclaration<TeamRunSummary>] { TeamMetrics.declarations }


    public static func read(_ root: Node, name: String, in file: ConfigFile) -> DivisionOfLabourScenario? {
        DivisionOfLabourScenarioReader.read(root, name: name, in: file)
    }

    public static func footprint(of scenario: DivisionOfLabourScenario) -> Footprint { scenario.footprint }

    /// `events`: simulation events processed.
    public static func run(_ scenario: DivisionOfLabourScenario, strategy: Strategy, streams: RunStreams,
                           deadline: WallClockDeadline) -> RunOutcome {
        let outcome = run(scenario, strategy: strategy, workload: streams.workload, strategy: streams.strategy,
                          deadline: deadline)
        return RunOutcome(stopReason: outcome.stopReason, events: outcome.events, metrics: outcome.metrics)
    }
}
