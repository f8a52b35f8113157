// swift-tools-version:6.0
import PackageDescription

// A user's own package: adds a division-of-labour assignment rule and a whole new family
// (review panels) to coordbench, and runs suites that use them with coordbench's runner,
// statistics, reports and determinism. Depends on coordbench by path; a real package would
// name its repository and a version instead.
let package = Package(
    name: "custom-policies",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "coordbench", path: "../.."),
    ],
    targets: [
        // The policies: a library, so tests can use them too.
        .target(name: "CustomPolicies", dependencies: [.product(name: "CoordbenchKit", package: "coordbench")]),
        // The command line: coordbench's, with the policies registered.
        .executableTarget(name: "custom-policies", dependencies: ["CustomPolicies"]),
        .testTarget(name: "CustomPoliciesTests", dependencies: ["CustomPolicies"]),
    ]
)
