// swift-tools-version:6.0
import PackageDescription

// Layers, bottom to top; every dependency points down this list:
//   CGSL → SimulationKernel → {DivisionOfLabour, Negotiation, ResourceAllocation, AgentTeams} → Experiments
//        → Reporting → CoordbenchKit (the command line, as a library) → coordbench (its executable)
//   Vocabulary (metric and strategy descriptors, shared by the families and everything above them)
//   CGSL → Statistics → Reporting (which also reaches C's printf through CGSL, for number formats)
let package = Package(
    name: "coordbench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coordbench", targets: ["coordbench"]),
        .library(name: "SimulationKernel", targets: ["SimulationKernel"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        // What a user's own package depends on to add strategies and families (see examples/).
        .library(name: "CoordbenchKit", targets: ["CoordbenchKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // SHA-256 of input and output files in manifest.json (a hash any standard tool can check).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        // Reading runs.csv back (report, compare, verify).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"]), .brew(["gsl"])]
        ),
        .target(name: "SimulationKernel", dependencies: ["CGSL"]),
        .target(name: "Vocabulary"),
        .target(name: "DivisionOfLabour", dependencies: ["SimulationKernel", "Vocabulary", "Statistics"]),
        .target(name: "Negotiation", dependencies: ["SimulationKernel", "Vocabulary", "Statistics"]),
        .target(name: "ResourceAllocation", dependencies: ["SimulationKernel", "Vocabulary", "Statistics"]),
        .target(name: "AgentTeams", dependencies: ["SimulationKernel", "Vocabulary", "Statistics"]),
        .target(name: "Statistics", dependencies: ["CGSL"]),
        .target(
            name: "Experiments",
            dependencies: ["SimulationKernel", "Vocabulary", "DivisionOfLabour", "Negotiation", "ResourceAllocation", "AgentTeams", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Reporting", dependencies: ["CGSL", "Experiments", "Vocabulary", "Statistics", .product(name: "Crypto", package: "swift-crypto"),
                                                   .product(name: "CSV", package: "CSV.swift")]),
        .target(
            name: "CoordbenchKit",
            dependencies: [
                "SimulationKernel", "Vocabulary", "DivisionOfLabour", "Negotiation", "ResourceAllocation", "AgentTeams", "Experiments",
                "Statistics", "Reporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "coordbench", dependencies: ["CoordbenchKit"]),
        .testTarget(name: "SimulationKernelTests", dependencies: ["SimulationKernel"]),
        .testTarget(name: "DivisionOfLabourTests", dependencies: ["DivisionOfLabour", "SimulationKernel", "Vocabulary", "Statistics"]),
        .testTarget(name: "NegotiationTests", dependencies: ["Negotiation", "SimulationKernel"], exclude: ["Golden"]),
        .testTarget(name: "ResourceAllocationTests", dependencies: ["ResourceAllocation", "SimulationKernel", "Statistics"]),
        .testTarget(name: "AgentTeamsTests", dependencies: ["AgentTeams", "SimulationKernel", "Statistics", "Vocabulary"],
                    exclude: ["Golden"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Vocabulary", "DivisionOfLabour", "AgentTeams", "Statistics"]),
        .testTarget(
            name: "ReportingTests", dependencies: ["Reporting", "Experiments", "Vocabulary", "Statistics"],
            exclude: ["Fixtures", "Golden"]),
        .testTarget(name: "CLITests", dependencies: [], exclude: ["Fixtures"]),
    ]
)
