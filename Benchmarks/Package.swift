// swift-tools-version:6.1
import PackageDescription

/// Funnel's benchmarks: throughput with ordo-one/benchmark, and end-to-end figures against the peers (collectd,
/// Pushgateway) with Funnel as a separate process; see `funnel-figures`.
/// Run everything with `Benchmarks/run` from the repository root.
let package = Package(
    name: "FunnelBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "funnel", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "FunnelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FunnelCore", package: "funnel"),
                .product(name: "FunnelServer", package: "funnel"),
            ],
            path: "Benchmarks/FunnelBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "funnel-figures",
            dependencies: [
                .product(name: "FunnelCore", package: "funnel"),
                .product(name: "FunnelServer", package: "funnel"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/funnel-figures",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
