import SimulationKernel

/// Every random quantity a run's jobs carry, drawn from workload streams that do not depend
/// on the strategy: arrival times, workflow kinds, sizes, difficulties, and for each step and
/// attempt the uniform number that decides whether the attempt is correct and the time its
/// review takes. Every strategy in a replication therefore faces the same jobs, and an attempt
/// fails for one strategy's agent exactly when it would fail for another agent of lower or
/// equal success probability (common random numbers).
///
/// A run does not keep this: it draws its jobs one at a time as they arrive, with the same
/// `WorkloadGenerator` and therefore the same values (`LiveWorkload`). A `Workload` is the
/// whole workload drawn at once, for callers that want to look at it; running one
/// (`DivisionOfLabourFamily.run(_:strategy:workload:strategyStream:)`) draws it again, lazily,
/// from the same streams.
public struct Workload: Sendable {
    /// Arrival time of each job, non-decreasing.
    public private(set) var arrival: [Double] = []
    /// Workflow index of each job.
    public private(set) var workflow: [Int32] = []
    /// Index of each job's first step in the step arrays; a job's steps are contiguous.
    public private(set) var firstStep: [Int32] = []
    public private(set) var stepJob: [Int32] = []
    public private(set) var stepType: [Int32] = []
    public private(set) var stepSize: [Double] = []
    public private(set) var stepDifficulty: [Double] = []
    /// `maxAttempts` uniforms per step: attempt k is correct iff `outcome[step·maxAttempts + k] < p`.
    public private(set) var outcome: [Double] = []
    /// `maxAttempts` review times per step (empty when failures are detected at once).
    public private(set) var reviewTime: [Double] = []
    public let maxAttempts: Int
    /// The streams the workload was drawn from.
    public let streams: RandomStreams

    public var jobCount: Int { arrival.count }
    public var stepCount: Int { stepType.count }

    /// Hard cap on generated jobs, so a mistyped rate cannot run forever.
    public static let maxJobs = 5_000_000

    /// Draws the whole workload of `scenario` from `streams` (purposes: `arrivals`,
    /// `workflows`, `sizes`, `difficulty`, `outcomes`, `reviews`). O(jobs · steps · attempts)
    /// time and memory.
    public init(scenario: DivisionOfLabourScenario, streams: RandomStreams) {
        maxAttempts = scenario.maxAttempts
        self.streams = streams
        var generator = WorkloadGenerator(scenario: scenario, streams: streams)
        while let next = generator.nextJob() {
            arrival.append(next.time)
            workflow.append(Int32(next.kind))
            firstStep.append(Int32(stepType.count))
            for step in scenario.workflows[next.kind].steps {
                stepJob.append(Int32(arrival.count - 1))
                stepType.append(Int32(step.type))
                stepSize.append(generator.size())
                stepDifficulty.append(generator.difficulty())
                for _ in 0..<maxAttempts {
                    outcome.append(generator.outcome())
                    if generator.reviewed { reviewTime.append(generator.reviewTime()) }
                }
            }
        }
    }
}

/// Draws a scenario's jobs one at a time, each stream in job order: per job its arrival
/// time (`arrivals`) and workflow (`workflows`, drawn only when there are several); per step
/// its size (`sizes`) and difficulty (`difficulty`, clamped to 0…1); per step and attempt an
/// outcome uniform (`outcomes`) and, when reviewers detect failures, a review time
/// (`reviews`). The streams are independent, so drawing job by job as a run advances gives
/// the values drawing everything up front gives. At most `Workload.maxJobs` jobs.
///
/// A run's generator draws no outcome uniforms when no attempt can fail
/// (`DivisionOfLabourScenario.everyAttemptSucceeds`, `drawsOutcomes` false): each would be
/// compared with a success probability of 1 and found below it, and nothing else reads the
/// `outcomes` stream, so the run is the same without them.
struct WorkloadGenerator {
    let arrivals: ArrivalProcess
    /// Workflow weights, when there are several.
    let kinds: DiscreteTable?
    let sizeDistribution: Distribution
    let difficultyDistribution: Distribution
    let reviewDistribution: Distribution?
    let arrivalStream, kindStream, sizeStream, difficultyStream, outcomeStream, reviewStream: RandomStream
    /// The last arrival time drawn.
    var time = 0.0
    /// Jobs drawn so far.
    private(set) var drawn = 0
    /// Set once the arrival process has no more jobs; nothing is drawn after.
    private(set) var finished = false
    /// Whether `outcome()` is drawn for every attempt; false only when no attempt can fail
    /// and the caller asked to skip them.
    let drawsOutcomes: Bool

    /// Draws `scenario`'s jobs from `streams`; outcome uniforms that cannot matter are not
    /// drawn if `skippingCertainOutcomes`.
    init(scenario: DivisionOfLabourScenario, streams: RandomStreams, skippingCertainOutcomes: Bool = false) {
        drawsOutcomes = !(skippingCertainOutcomes && scenario.everyAttemptSucceeds)
        arrivals = scenario.arrivals
        kinds = scenario.workflows.count == 1 ? nil : DiscreteTable(weights: scenario.workflows.map(\.weight))
        sizeDistribution = scenario.size
        difficultyDistribution = scenario.difficulty
        if case .reviewer(let review) = scenario.detection { reviewDistribution = review } else { reviewDistribution = nil }
        arrivalStream = streams.stream("arrivals")
        kindStream = streams.stream("workflows")
        sizeStream = streams.stream("sizes")
        difficultyStream = streams.stream("difficulty")
        outcomeStream = streams.stream("outcomes")
        reviewStream = streams.stream("reviews")
    }

    var reviewed: Bool { reviewDistribution != nil }

    /// The next job's arrival time and workflow index, or nil when there is none (and never
    /// again): the batch or the count is reached, the time passes `until`, or `maxJobs`.
    mutating func nextJob() -> (time: Double, kind: Int)? {
        guard !finished else { return nil }
        guard drawn < Workload.maxJobs else {
            finished = true
            return nil
        }
        switch arrivals {
        case .batch(let count):
            if drawn >= count { finished = true }
        case .poisson(let rate, let count, let until):
            if let count, drawn >= count {
                finished = true
            } else {
                time += arrivalStream.exponential(mean: 1 / rate)
                if let until, time > until { finished = true }
            }
        }
        if finished { return nil }
        drawn += 1
        return (time, kinds.map { kindStream.discrete($0) } ?? 0)
    }

    /// The next step's size.
    func size() -> Double { sizeDistribution.draw(from: sizeStream) }

    /// The next step's difficulty, within 0…1.
    func difficulty() -> Double { min(max(difficultyDistribution.draw(from: difficultyStream), 0), 1) }

    /// The next attempt's outcome uniform: the attempt is correct iff it is below the agent's
    /// success probability.
    func outcome() -> Double { outcomeStream.uniform() }

    /// The next attempt's review time (reviewed scenarios only).
    func reviewTime() -> Double { reviewDistribution!.draw(from: reviewStream) }
}

/// The jobs of a run it still needs, drawn lazily (`TeamState.drawNextJob`): the same columns
/// as `Workload`, read by the same global job and step ids, kept in two tiers.
///
/// - The id window: jobs `firstJob ..< jobCount` and their steps `firstLiveStep ..< stepCount`,
///   where `jobCount` counts the jobs drawn so far (the arrived ones and the next to arrive)
///   and `firstJob` is the oldest job not yet released. For each id in the window, a ring
///   (`jobSlot`, `stepSlot`) gives its slot in the pools, or -1 once released. Every id below
///   the window is released.
/// - The pools: the values of unreleased jobs and steps, in slots handed out when a job is
///   drawn and taken back when it is released (`SlotList`), so they are as many as the jobs
///   in flight, not as the jobs in the window.
///
/// A job is released once it has ended and nothing refers to its steps any more
/// (`TeamState.hold`, `release`). A step id that is below the window or released belongs to
/// an ended job: `TeamState.isLive` says so from the rings alone; reading its values traps.
///
/// Memory: the rings hold 4 bytes per id and double when the window outgrows them (a power of
/// two, for the mask), the pools grow by half when the jobs in flight outgrow them, and
/// neither shrinks: at most twice the largest window × 4 bytes per job and per step, plus
/// 1.5 × the most jobs in flight × 20 bytes per job and 28 + 8 · maxAttempts bytes per step
/// (16 · maxAttempts when reviewed; no outcome bytes when no attempt can fail), free lists
/// included. `TeamState` adds its own per-job (12 bytes) and per-step (40 bytes) state in the
/// same pools. Drawing a job is O(its steps × attempts), amortised O(1) more for growth.
struct LiveWorkload {
    let maxAttempts: Int
    /// Per id in the window, its slot in the pools, or -1 once released.
    var jobSlot: Ring<Int32>
    var stepSlot: Ring<Int32>
    /// Which job and step slots are in use.
    var jobSlots: SlotList
    var stepSlots: SlotList
    /// Per job slot: arrival time, workflow index, first step id.
    var arrivalPool: Pool<Double>
    var workflowPool: Pool<Int32>
    var firstStepPool: Pool<Int32>
    /// Per step slot: job id, task type, size, difficulty, and `maxAttempts` outcome uniforms
    /// (none when the generator draws none) and review times (reviewed only).
    var stepJobPool: Pool<Int32>
    var stepTypePool: Pool<Int32>
    var stepSizePool: Pool<Double>
    var stepDifficultyPool: Pool<Double>
    var outcomePool: Pool<Double>
    var reviewTimePool: Pool<Double>

    /// Jobs and steps drawn so far: ids below these exist.
    var jobCount = 0
    var stepCount = 0
    /// The oldest job not released, and its first step: every id below these is released.
    var firstJob = 0
    var firstLiveStep = 0

    /// The smallest rings and pools: 64 jobs and 64 steps.
    static let initialCapacity = 64

    init(maxAttempts: Int, outcomes: Bool, reviewed: Bool) {
        self.maxAttempts = maxAttempts
        let c = Self.initialCapacity
        jobSlot = Ring(capacity: c, filler: -1)
        stepSlot = Ring(capacity: c, filler: -1)
        jobSlots = SlotList(capacity: c)
        stepSlots = SlotList(capacity: c)
        arrivalPool = Pool(capacity: c, filler: 0)
        workflowPool = Pool(capacity: c, filler: 0)
        firstStepPool = Pool(capacity: c, filler: 0)
        stepJobPool = Pool(capacity: c, filler: 0)
        stepTypePool = Pool(capacity: c, filler: 0)
        stepSizePool = Pool(capacity: c, filler: 0)
        stepDifficultyPool = Pool(capacity: c, filler: 0)
        outcomePool = Pool(capacity: c, stride: outcomes ? maxAttempts : 0, filler: 0)
        reviewTimePool = Pool(capacity: c, stride: reviewed ? maxAttempts : 0, filler: 0)
    }

    // The columns by id (views made for one access).
    var arrival: IdColumn<Double> { IdColumn(jobSlot, arrivalPool) }
    var workflow: IdColumn<Int32> { IdColumn(jobSlot, workflowPool) }
    var firstStep: IdColumn<Int32> { IdColumn(jobSlot, firstStepPool) }
    var stepJob: IdColumn<Int32> { IdColumn(stepSlot, stepJobPool) }
    var stepType: IdColumn<Int32> { IdColumn(stepSlot, stepTypePool) }
    var stepSize: IdColumn<Double> { IdColumn(stepSlot, stepSizePool) }
    var stepDifficulty: IdColumn<Double> { IdColumn(stepSlot, stepDifficultyPool) }
    /// `outcome[step, k]`, `reviewTime[step, k]`.
    var outcome: IdColumn<Double> { IdColumn(stepSlot, outcomePool) }
    var reviewTime: IdColumn<Double> { IdColumn(stepSlot, reviewTimePool) }

    /// Whether `step`'s values are kept (drawn, and its job not released).
    @inline(__always)
    func isKept(_ step: Int) -> Bool { step >= firstLiveStep && step < stepCount && stepSlot[step] >= 0 }

    /// Moves the id rings to `capacity` ids, keeping the window.
    mutating func resizeJobIds(to capacity: Int) { jobSlot.resize(to: capacity, keeping: firstJob..<jobCount) }
    mutating func resizeStepIds(to capacity: Int) { stepSlot.resize(to: capacity, keeping: firstLiveStep..<stepCount) }

    /// Grows the job pools to `capacity` slots.
    mutating func growJobPools(to capacity: Int) {
        jobSlots.grow(to: capacity)
        arrivalPool.grow(to: capacity)
        workflowPool.grow(to: capacity)
        firstStepPool.grow(to: capacity)
    }

    /// Grows the step pools to `capacity` slots.
    mutating func growStepPools(to capacity: Int) {
        stepSlots.grow(to: capacity)
        stepJobPool.grow(to: capacity)
        stepTypePool.grow(to: capacity)
        stepSizePool.grow(to: capacity)
        stepDifficultyPool.grow(to: capacity)
        outcomePool.grow(to: capacity)
        reviewTimePool.grow(to: capacity)
    }
}
