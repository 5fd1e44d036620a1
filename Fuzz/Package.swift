// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets, one per parser that takes outside bytes; `Fuzz/run` builds them with `-sanitize=fuzzer`.
///
/// A package of its own, so the main build and its tests never see the sanitizer flags.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "funnel-fuzz",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "FuzzReportBody", targets: ["FuzzReportBody"]),
        .executable(name: "FuzzStatsDLine", targets: ["FuzzStatsDLine"]),
        .executable(name: "FuzzQueryTime", targets: ["FuzzQueryTime"]),
        .executable(name: "FuzzRESP", targets: ["FuzzRESP"]),
        .executable(name: "FuzzConfiguration", targets: ["FuzzConfiguration"]),
        .executable(name: "FuzzOTLP", targets: ["FuzzOTLP"]),
    ],
    dependencies: [
        .package(name: "funnel", path: ".."),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzReportBody", dependencies: ["FuzzDriver", .product(name: "FunnelCore", package: "funnel")], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzQueryTime", dependencies: ["FuzzDriver", .product(name: "FunnelCore", package: "funnel")], swiftSettings: swiftSettings),
        // FuzzStatsDLine, FuzzRESP, FuzzConfiguration and FuzzOTLP compile the FunnelServer files they fuzz, linked
        // into their folders from Sources/FunnelServer (StatsD/, DLQSources/Redis/, Configuration/, OTLP/), so the fuzz
        // build compiles FunnelCore (and Yams, SwiftProtobuf, Crypto) only, not FunnelServer's whole network stack.
        .executableTarget(name: "FuzzStatsDLine", dependencies: ["FuzzDriver", .product(name: "FunnelCore", package: "funnel")], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzRESP", dependencies: ["FuzzDriver"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzConfiguration",
            dependencies: ["FuzzDriver", .product(name: "FunnelCore", package: "funnel"), .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzOTLP",
            dependencies: [
                "FuzzDriver", .product(name: "FunnelCore", package: "funnel"), .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
