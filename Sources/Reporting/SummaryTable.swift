import Experiments
import SimulationKernel
import Statistics

/// `runs.csv` and `summary.csv`.
public enum Tables {
    /// One row per run, in plan order: identity columns, grid parameters, seed, stop reason,
    /// events, then every metric of every family in the plan (empty where not applicable).
    public static func runs(_ records: [RunRecord], plan: RunPlan) -> String {
        let gridKeys = plan.gridKeys
        var metricNames: [String] = []
        for family in plan.families { for m in family.metrics where !metricNames.contains(m.name) { metricNames.append(m.name) } }
        var text = CSV.line(["run", "scenario", "family", "strategy", "replication"] + gridKeys
                            + ["seed", "stop_reason", "events"] + metricNames)
        for record in records {
            let spec = record.spec
            let family = spec.scenario.family
            let point = gridKeys.map { key in spec.point.first { $0.key == key }?.value ?? "" }
            let metrics = metricNames.map { name -> String in
                guard let i = family.metrics.firstIndex(where: { $0.name == name }) else { return "" }
                return CSV.number(record.outcome.metrics[i])
            }
            text += CSV.line([spec.identity, spec.scenario.name, family.rawValue, spec.strategy.label,
                              String(spec.replication)] + point
                             + [String(spec.baseSeed), record.outcome.stopReason.rawValue, String(record.outcome.events)]
                             + metrics)
        }
        return text
    }

    /// Per scenario × grid point × strategy × metric: n, mean, sd, t-interval.
    public static func summary(_ groups: [ComparisonGroup]) -> String {
        var text = CSV.line(["scenario", "family", "point", "strategy", "metric", "unit", "direction", "n", "mean", "sd",
                             "ci_low", "ci_high", "half_width", "confidence"])
        for group in groups {
            for (s, strategy) in group.strategies.enumerated() {
                for (m, metric) in group.metrics.enumerated() {
                    let sum = group.summary(strategy: s, metric: m)
                    text += CSV.line([group.scenario.name, group.scenario.family.rawValue, group.pointLabel, strategy,
                                      metric.name, metric.unit, metric.direction.rawValue, String(sum.n),
                                      CSV.statistic(sum.mean), CSV.statistic(sum.sd), CSV.statistic(sum.lower),
                                      CSV.statistic(sum.upper), CSV.statistic(sum.halfWidth),
                                      CSV.statistic(group.confidence)])
                }
            }
        }
        return text
    }
}
