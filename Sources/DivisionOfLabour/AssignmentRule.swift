import SimulationKernel

/// A division-of-labour strategy written outside this package: who performs which step.
///
/// ## The model the rule lives in
///
/// Jobs arrive (the workload is drawn from streams of its own as the run goes, and is the
/// same for every strategy).
/// Each job is a small DAG of *steps*; each step has a task type, a size and a difficulty.
/// A step becomes *ready* when all its predecessors have succeeded. A worker performs one
/// step at a time, without pre-emption; an attempt takes
/// `size / (speed · skill)` and is correct with a known probability (`TeamView`). A failed
/// attempt, once detected (at once, or by a reviewer), makes the step ready again until it
/// has used its attempts; then the whole job is abandoned and its other steps are dropped
/// wherever they wait. Reviewers are served first come, first served, by the model itself:
/// a rule assigns workers only.
///
/// ## The two decision epochs
///
/// A rule is asked at exactly two kinds of moment, both at simulated time `team.now`:
///
/// - `place(_:in:)`: a step became ready. The rule starts it on an idle capable worker,
///   puts it in one worker's own first-in-first-out queue (a *push* discipline, like the
///   built-in `random` and `round-robin`), or puts it on the shared *board* (a central
///   queue in ready order, like `least-loaded`). A step put on the board is then offered,
///   through `next(for:in:)`, to each idle capable worker in id order until one takes it,
///   so a *pull* rule can always answer `.board` and decide everything in `next`.
/// - `next(for:in:)`: a worker has finished an attempt (or, as above, is idle while a step
///   arrives on the board). The rule serves the worker's own queue, hands it a step from
///   the board, or leaves it idle.
///
/// An idle worker is asked again only on those occasions: a worker told to `.wait` stays
/// idle until a step is placed on it (`.start`, `.queue`) or a step it can do is put on
/// the board. A step that no worker takes stays on the board; if no event comes to change
/// that, the run ends (`drained`) with its job unfinished, and the metrics show it.
/// Steps that become ready at the same moment are placed one after another, in a fixed
/// order (a workflow's steps in index order).
///
/// Each `.start` and `.queue` placement and each step taken from the board counts as one
/// coordination message (the `messages` metric), as for the built-in strategies.
///
/// ## Rules of conduct
///
/// - A rule must be deterministic given the `TeamView` and its own state, so that a run is
///   reproducible from its identity. For randomised decisions draw from `team.random`, the
///   run's own strategy stream: replications then differ, and a rerun repeats exactly.
/// - The rule is a value: the run starts from the value the strategy holds (each run gets
///   its own copy) and may mutate it (cursors, counters, learned estimates). Write it as a
///   struct or an enum: an instance of a class would be shared by runs, which a suite runs
///   in parallel, and its state would leak from one run into the next.
/// - Do not keep the `TeamView` (or `team.board`) beyond the call: while a copy is alive,
///   the run's next change to its state has to copy the arrays it shares with the view.
/// - Returning an impossible decision (starting a busy or incapable worker, queueing on an
///   incapable one, taking a step that is not waiting on the board) is a programming error:
///   the run stops with a message naming the rule.
///
/// ## Cost
///
/// The run opens the rule's existential once and stores the rule as a concrete value, so
/// the event loop calls it through generics, not through `any AssignmentRule`. But the
/// simulator is not inlinable across modules, so a run under a rule of another module is
/// unspecialised generic code: correct and allocation-free per event, but slower than a
/// built-in strategy. (When this was written, least-loaded written as a rule in another
/// module took about twice the CPU time of the built-in `least-loaded`, on a reviewed team
/// of eight; the same rule inside this module, specialised, about 1.4 times.) Each decision
/// also builds a `TeamView`: a few reference-count operations, no allocation. Built-in
/// strategies never build a view or call a rule.
///
/// Declare a rule for the catalogue like a built-in strategy:
///
/// ```swift
/// StrategyDeclaration<DivisionOfLabour.Strategy>(
///     "cheap-least-loaded", "least-loaded, with busy time traded against cost",
///     parameters: [ParameterDescriptor("cost-weight", default: 0, range: 0...1e6, "weight of an attempt's cost")]
/// ) { p in .custom(CheapLeastLoaded(costWeight: p["cost-weight"]), name: "cheap-least-loaded") }
/// ```
public protocol AssignmentRule: Sendable {
    /// A step became ready (its predecessors succeeded, or its last attempt failed and may
    /// be retried), at `team.now`. Where does it go?
    mutating func place(_ step: Int, in team: TeamView) -> Placement
    /// `agent` (a worker) has just become free, or is idle while a step was put on the
    /// board. What does it start next?
    mutating func next(for agent: Int, in team: TeamView) -> NextStep
}

/// Where an assignment rule puts a ready step.
public enum Placement: Sendable, Hashable {
    /// The agent, which must be an idle worker capable of the step's task type, starts it now.
    case start(agent: Int)
    /// Into that worker's own first-in-first-out queue (it must be capable of the step);
    /// the step starts at once if the worker is idle with an empty queue. Like `random` and
    /// `round-robin`. A worker serves its queue when `next(for:in:)` answers `.ownQueue`
    /// (so a worker that was told to `.wait` with steps in its queue keeps them waiting).
    case queue(agent: Int)
    /// Onto the shared board (a central queue, in ready order), like `least-loaded`. Each
    /// idle capable worker is then asked `next(for:in:)`, in id order, until the step is taken.
    case board
}

/// What an idle worker does next, as an assignment rule decides.
public enum NextStep: Sendable, Hashable {
    /// The oldest live step in its own queue, if any (otherwise it stays idle).
    case ownQueue
    /// This step, which must be waiting on the board (`team.board` lists it) and be of a
    /// type the worker can do; it is removed from the board.
    case board(step: Int)
    /// Stay idle until a step is placed on this worker or a step is put on the board.
    case wait
}

/// A read-only view of a running division-of-labour team, as an assignment rule sees it.
///
/// Agents and steps are integer ids: agents `0..<agentCount` in the scenario's order
/// (workers and reviewers), steps as the rule is given them. The run keeps only a window of
/// its jobs (see `TeamState`): a step can be asked about while its job goes on — every step
/// the rule is given (`place`) or sees on the board — but a step whose job has ended may
/// have been forgotten, and asking about one stops the run with a message. Nothing here
/// allocates. Valid only during the call it is passed to.
public struct TeamView {
    /// The current simulated time.
    public let now: Double
    let context: RuleContext
    let agents: Table<TeamAgent>
    let workload: LiveWorkload
    let jobStates: Pool<TeamJob>
    let boardSteps: [Int32]

    /// The run's own strategy stream (seeded from the run's identity): draw from it for any
    /// randomised decision, so that replications differ and a rerun repeats exactly.
    public var random: RandomStream { context.random }

    /// The number of agents, workers and reviewers; agent ids are `0..<agentCount`.
    public var agentCount: Int { agents.count }

    /// `step`, checked to be in the run's window.
    func known(_ step: Int) -> Int {
        precondition(workload.isKept(step), "assignment rule '\(context.name)' asked about step \(step), "
                     + "which the run no longer keeps (its job has ended) or has not drawn yet")
        return step
    }

    /// The workers capable of `step` (skill > 0 for its task type), in id order.
    public func capableAgents(for step: Int) -> [Int32] { context.capable[taskType(of: step)] }

    /// Whether `agent` is doing nothing now (not attempting a step, not reviewing).
    public func isIdle(_ agent: Int) -> Bool { agents[agent].isIdle }

    /// `agent`'s busy time over its finished attempts (or reviews) so far; the attempt in
    /// progress is not included. Least-loaded balances this.
    public func busyTime(_ agent: Int) -> Double { agents[agent].busyTime }

    /// Entries in `agent`'s own queue. It may include steps of jobs abandoned since they
    /// were queued, which the agent will skip.
    public func queueLength(_ agent: Int) -> Int { agents[agent].queue.count - agents[agent].head }

    /// `agent`'s cost per unit of busy time.
    public func costRate(_ agent: Int) -> Double { agents[agent].profile.costRate }

    /// The probability that `agent`'s attempt at `step` is correct (0 if it cannot do it).
    public func successProbability(step: Int, agent: Int) -> Double {
        DivisionOfLabourScenario.successProbability(
            agents[agent].profile, type: taskType(of: step), difficulty: workload.stepDifficulty[known(step)],
            sensitivity: context.skillSensitivity)
    }

    /// The time `agent`'s attempt at `step` takes (`size / (speed · skill)`; infinite if it
    /// cannot do it).
    public func plannedDuration(step: Int, agent: Int) -> Double {
        DivisionOfLabourScenario.duration(agents[agent].profile, type: taskType(of: step),
                                          size: workload.stepSize[known(step)])
    }

    /// The task type of `step`, an index into the scenario's `taskTypes`.
    public func taskType(of step: Int) -> Int { Int(workload.stepType[known(step)]) }

    /// Whether `agent` is a worker with skill > 0 for `step`'s task type.
    public func canDo(agent: Int, step: Int) -> Bool {
        agents[agent].profile.role == .worker && agents[agent].profile.skills[taskType(of: step)] > 0
    }

    /// The steps waiting on the board, oldest first (in the order they became ready);
    /// steps of abandoned jobs are skipped. A lazy view: iterating allocates nothing.
    public var board: WaitingSteps { WaitingSteps(steps: boardSteps, workload: workload, jobStates: jobStates) }
}

/// The live steps on the board, oldest first: a lazy sequence over the board's array.
public struct WaitingSteps: Sequence {
    let steps: [Int32]
    let workload: LiveWorkload
    let jobStates: Pool<TeamJob>

    public struct Iterator: IteratorProtocol {
        let base: WaitingSteps
        var index = 0

        public mutating func next() -> Int? {
            while index < base.steps.count {
                let step = Int(base.steps[index])
                index += 1
                // As `TeamState.isLive`: a released step belongs to an ended job.
                let workload = base.workload
                if step >= workload.firstLiveStep && workload.stepSlot[step] >= 0
                    && !IdColumn(workload.jobSlot, base.jobStates)[Int(workload.stepJob[step])].ended {
                    return step
                }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(base: self) }
}

/// What a rule's view shares with the run and that does not change during it, gathered once
/// per run under `Strategy.custom` (one reference for the view to hold, not one per array).
final class RuleContext {
    /// The custom strategy's name, for messages.
    let name: String
    let random: RandomStream
    /// Capable workers per task type, in id order (the model's `capable`).
    let capable: [[Int32]]
    let skillSensitivity: Double

    init(name: String, random: RandomStream, capable: [[Int32]], skillSensitivity: Double) {
        self.name = name
        self.random = random
        self.capable = capable
        self.skillSensitivity = skillSensitivity
    }
}

/// A user's assignment rule inside a `Strategy`, with the name it is known by.
///
/// Two are equal when their names are equal, their rules are of the same type, and, when
/// that type is `Equatable`, the rules are equal (so `CheapLeastLoaded(costWeight: 1)` and
/// `CheapLeastLoaded(costWeight: 2)` differ if `CheapLeastLoaded` is `Equatable`, and are
/// equal otherwise).
public struct CustomAssignmentRule: Sendable, Equatable, CustomStringConvertible {
    /// The strategy's name, e.g. its catalogue name; by default the rule's type name.
    public let name: String
    /// The rule as the strategy holds it; each run starts from a copy.
    public let rule: any AssignmentRule

    /// Wraps `rule`, named `name` or, without one, its type's name.
    public init<Rule: AssignmentRule>(_ rule: Rule, name: String? = nil) {
        self.name = name ?? String(describing: Rule.self)
        self.rule = rule
    }

    public var description: String { name }

    public static func == (lhs: CustomAssignmentRule, rhs: CustomAssignmentRule) -> Bool {
        guard lhs.name == rhs.name, type(of: lhs.rule) == type(of: rhs.rule) else { return false }
        guard let left = lhs.rule as? any Equatable else { return true }
        return left.isEqual(to: rhs.rule)
    }
}

extension Equatable {
    /// Whether `other` is a value of this type equal to this one.
    fileprivate func isEqual(to other: Any) -> Bool { (other as? Self) == self }
}

extension Strategy {
    /// A strategy that runs the user's `rule`, named `name` or, without one, the rule's type
    /// name (see `CustomAssignmentRule` for equality).
    public static func custom(_ rule: some AssignmentRule, name: String? = nil) -> Strategy {
        .custom(CustomAssignmentRule(rule, name: name))
    }
}
