import CustomPolicies

// coordbench's command line (run, compare, verify, report, list, …) with this package's
// family and strategy registered: suites name them like built-in ones.
try Coordbench.main(families: CustomPolicies.families, strategies: CustomPolicies.strategies)
