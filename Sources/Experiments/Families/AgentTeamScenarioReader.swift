import AgentTeams
import SimulationKernel
import Yams
import Vocabulary

/// Reads agent-team scenarios (see README, "Family: agent teams").
enum AgentTeamScenarioReader {
    static let topKeys = ["name", "family", "description", "horizon", "event-budget", "tasks", "difficulty", "risk",
                          "tokens", "correlation", "calls", "members", "roles", "orchestrations"]
    static let memberKeys = ["name", "kind", "family", "ability", "slope", "latency", "price", "context", "failures",
                             "concurrency", "timeout"]
    static let roleKeys = ["primary", "tiers", "panel", "judge", "lead", "workers", "stages", "assistant", "human"]

    static func read(_ root: Node, name: String, in file: ConfigFile) -> AgentTeamScenario? {
        guard let top = Fields(root, in: file, what: "scenario", allowed: topKeys) else { return nil }
        var count: Int?, rate: Double?, trials: Int?
        if let node = top.required("tasks", what: "scenario"),
           let tasks = Fields(node, in: file, what: "tasks", allowed: ["count", "rate", "trials"]) {
            count = tasks.integer("count", what: "tasks", in: 1...10_000_000)
            rate = tasks.number("rate", what: "tasks", default: 0, in: 0...1e9)
            trials = tasks.integer("trials", what: "tasks", default: AgentTeamScenario.defaultTrials, in: 1...100)
        }
        let difficulty = top.required("difficulty", what: "scenario").flatMap { file.distribution($0, field: "difficulty") }
        let risk = top["risk"].map { file.distribution($0, field: "risk") } ?? AgentTeamScenario.defaultRisk
        var input: Distribution? = AgentTeamScenario.defaultInputTokens, output: Distribution? = AgentTeamScenario.defaultOutputTokens
        if let node = top["tokens"], let tokens = Fields(node, in: file, what: "tokens", allowed: ["input", "output"]) {
            if let i = tokens["input"] { input = file.distribution(i, field: "tokens.input") }
            if let o = tokens["output"] { output = file.distribution(o, field: "tokens.output") }
        }
        let correlation = top.number("correlation", what: "scenario", default: 0, in: 0...1)

        var members: [TeamMember] = []
        var names: [String] = []     // every declared name, so roles are checked even when a member has errors
        var ok = true
        if let list = top.required("members", what: "scenario") {
            if case .sequence(let items) = list, !items.isEmpty {
                for item in items {
                    if case .mapping(let mapping) = item, let name = mapping["name"]?.string { names.append(name) }
                    if let member = readMember(item, in: file) {
                        if members.contains(where: { $0.name == member.name }) {
                            file.error("duplicate member name '\(member.name)'", at: item)
                        }
                        members.append(member)
                    } else {
                        ok = false
                    }
                }
            } else {
                file.error("members must be a non-empty list", at: list)
                ok = false
            }
        }
        func member(_ node: Node?, field: String) -> Int? {
            guard let node, let text = node.string else { return nil }
            if let i = names.firstIndex(of: text) { return i }
            file.error(unknownMessage("member", text, known: names) + " (in roles.\(field))", at: node)
            ok = false
            return nil
        }
        func list(_ node: Node?, field: String) -> [Int]? {
            guard let node, let items = file.stringList(node, field: "roles.\(field)") else { return nil }
            let found = items.compactMap { item -> Int? in
                if let i = names.firstIndex(of: item.0) { return i }
                file.error(unknownMessage("member", item.0, known: names) + " (in roles.\(field))", at: item.1)
                ok = false
                return nil
            }
            if found.isEmpty { file.error("roles.\(field) must name at least one member", at: node); ok = false }
            return found
        }
        var timeout: Double? = AgentTeamScenario.defaultTimeout, retries: Int? = AgentTeamScenario.defaultRetries, fallback: Int?
        if let node = top["calls"], let calls = Fields(node, in: file, what: "calls", allowed: ["timeout", "retries", "fallback"]) {
            timeout = calls.number("timeout", what: "calls", default: AgentTeamScenario.defaultTimeout, in: 0...1e12, exclusiveLower: true)
            retries = calls.integer("retries", what: "calls", default: AgentTeamScenario.defaultRetries, in: 0...100)
            fallback = member(calls["fallback"], field: "fallback")
        }
        var roles: Roles?
        if !names.isEmpty, let node = top.required("roles", what: "scenario"),
           let fields = Fields(node, in: file, what: "roles", allowed: roleKeys) {
            // Every role is checked before any is used, so all bad names are reported at once.
            let primary = member(fields.required("primary", what: "roles"), field: "primary")
            let tiers = list(fields["tiers"], field: "tiers"), panel = list(fields["panel"], field: "panel")
            let judge = member(fields["judge"], field: "judge"), lead = member(fields["lead"], field: "lead")
            let workers = list(fields["workers"], field: "workers"), stages = list(fields["stages"], field: "stages")
            let assistant = member(fields["assistant"], field: "assistant"), human = member(fields["human"], field: "human")
            if let stages, stages.count != 3 {
                file.error("roles.stages lists the pipeline's research, writing and review members: exactly three",
                           at: fields["stages"])
                ok = false
            }
            if let primary {
                roles = Roles(
                    primary: primary, tiers: tiers ?? [primary], panel: panel ?? [primary], judge: judge ?? primary,
                    lead: lead ?? primary, workers: workers ?? [primary], stages: stages ?? [primary, primary, primary],
                    assistant: assistant ?? primary, human: human ?? members.firstIndex { $0.kind == .human },
                    fallback: fallback)
            }
        }
        let horizon = top.number("horizon", what: "scenario", default: .infinity, in: 0...Double.infinity,
                                 exclusiveLower: true)
        let budget = top.eventBudget(default: AgentTeamScenario.defaultEventBudget)
        var orchestrations: [Orchestration]? = []
        if let node = top["orchestrations"], let roles {
            orchestrations = OrchestrationReader.read(node, members: members, roles: roles,
                                                      taken: Pattern.catalogue.map(\.descriptor.name), in: file)
        }
        guard ok, let count, let rate, let trials, let difficulty, let risk, let input, let output, let correlation,
              let timeout, let retries, let roles, let horizon, let budget, let orchestrations else { return nil }
        var scenario = AgentTeamScenario(
            name: name, members: members, roles: roles, correlation: correlation, taskCount: count, rate: rate,
            difficulty: difficulty, risk: risk, inputTokens: input, outputTokens: output, trials: trials,
            timeout: timeout, retries: retries)
        scenario.horizon = horizon
        scenario.eventBudget = budget
        scenario.orchestrations = orchestrations
        return scenario
    }

    static func readMember(_ node: Node, in file: ConfigFile) -> TeamMember? {
        guard let fields = Fields(node, in: file, what: "member", allowed: memberKeys),
              let name = fields.string("name", what: "member", required: true) else { return nil }
        let what = "member '\(name)'"
        var kind: TeamMember.Kind? = .model
        if let k = fields["kind"], let text = k.string {
            kind = TeamMember.Kind(rawValue: text)
            if kind == nil { file.error(unknownMessage("kind", text, known: TeamMember.Kind.allCases.map(\.rawValue)), at: k) }
        }
        let modelFamily = fields.string("family", what: what) ?? name
        let ability = fields.number("ability", what: what, in: -10...10)
        let slope = fields.number("slope", what: what, default: TeamMember.defaultSlope, in: 0...1000, exclusiveLower: true)
        let latency = fields.required("latency", what: what).flatMap { file.distribution($0, field: "latency") }
        var prices: (Double, Double, Double)? = (0, 0, 0)
        if let node = fields["price"], let price = Fields(node, in: file, what: "price", allowed: ["input", "output", "call"]) {
            let i = price.number("input", what: "price", default: 0, in: 0...1e9)
            let o = price.number("output", what: "price", default: 0, in: 0...1e9)
            let c = price.number("call", what: "price", default: 0, in: 0...1e9)
            prices = i.flatMap { i in o.flatMap { o in c.map { (i, o, $0) } } }
        }
        let context = fields.number("context", what: what, default: .infinity, in: 1...Double.infinity)
        var rates: (Double, Double, Double)? = (0, 0, 0)
        if let node = fields["failures"],
           let failures = Fields(node, in: file, what: "failures", allowed: ["error", "hang", "malformed"]) {
            let e = failures.number("error", what: "failures", default: 0, in: 0...1)
            let h = failures.number("hang", what: "failures", default: 0, in: 0...1)
            let m = failures.number("malformed", what: "failures", default: 0, in: 0...1)
            rates = e.flatMap { e in h.flatMap { h in m.map { (e, h, $0) } } }
            if let (e, h, m) = rates, e + h + m > 1 {
                file.error("failure probabilities sum to \(formatNumber(e + h + m)); at most 1", at: node)
                rates = nil
            }
        }
        let concurrency = fields.integer("concurrency", what: what, default: kind == .human ? 1 : 0, in: 0...1_000_000)
        var timeout: Double??  = .some(nil)
        if let node = fields["timeout"] {
            timeout = file.number(node, field: "timeout", in: 0...1e12, exclusiveLower: true).map { .some($0) }
        }
        guard let timeout, let kind, let ability, let slope, let latency, let prices, let context, let rates, let concurrency else { return nil }
        return TeamMember(name: name, kind: kind, modelFamily: modelFamily, ability: ability, slope: slope, latency: latency,
                          priceIn: prices.0, priceOut: prices.1, pricePerCall: prices.2, contextLimit: context,
                          errorRate: rates.0, hangRate: rates.1, malformedRate: rates.2, concurrency: concurrency,
                          timeout: timeout)
    }
}

extension AgentTeamFamily: ScenarioFamily {
    public static var strategies: [StrategyDeclaration<Pattern>] { Pattern.catalogue }

    /// The scenario's orchestration graphs, each a strategy under its name.
    public static func strategies(in scenario: AgentTeamScenario) -> [StrategyDeclaration<Pattern>] {
        scenario.orchestrations.enumerated().map { k, graph in
            StrategyDeclaration(graph.name, "the scenario's orchestration graph '\(graph.name)' (\(graph.nodes.count) nodes)") { _ in
                .orchestration(k)
            }
        }
    }


    public static func read(_ root: Node, name: String, in file: ConfigFile) -> AgentTeamScenario? {
        AgentTeamScenarioReader.read(root, name: name, in: file)
    }

    public static func footprint(of scenario: AgentTeamScenario) -> Footprint { scenario.footprint }

    /// `events`: simulation events processed. Patterns draw nothing of their own: every call
    /// outcome is part of the workload.
    public static func run(_ scenario: AgentTeamScenario, strategy: Pattern, streams: RunStreams,
                           deadline: WallClockDeadline) -> RunOutcome {
        let outcome = run(scenario, pattern: strategy, workload: streams.workload, deadline: deadline)
        return RunOutcome(stopReason: outcome.stop, events: outcome.events, metrics: outcome.metrics, details: outcome.details)
    }
}
