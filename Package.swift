// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "routertop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "routertop", targets: ["routertop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .target(name: "RouterAPI"),
        // Many routers as data: the fleet's merged views and the rollout state machine, no I/O.
        .target(name: "RouterFleet", dependencies: ["RouterAPI"]),
        // The change journal on disk: what the hosts give the engine to write each change before it takes effect.
        .target(name: "RouterJournal", dependencies: ["RouterAPI"]),
        // The one guarded way to read a TOML file, shared by scenario, replica and theme files.
        .target(name: "TOMLInput", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]),
        .target(
            name: "RouterEngine",
            dependencies: [
                "RouterAPI",
                "TOMLInput",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Routing's stand-ins on virtual time: simulated replicas and load, scenarios and their
        // report, and replays of recorded traffic.
        .target(
            name: "RouterSimulation",
            dependencies: [
                "RouterEngine",
                "TOMLInput",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "RouterRuntime",
            dependencies: [
                "RouterEngine",
                "RouterSimulation",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RouterHTTP",
            dependencies: [
                "RouterEngine",
                "RouterSimulation",
                "RouterRuntime",
                "TOMLInput",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RouterControlServer",
            dependencies: [
                "RouterAPI",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RouterAttach",
            dependencies: [
                "RouterAPI",
                "RouterFleet",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Dashboard",
            dependencies: [
                "RouterAPI",
                "RouterFleet",
                "TOMLInput",
            ]
        ),
        .systemLibrary(name: "CNcursesw"),
        .executableTarget(
            name: "routertop",
            dependencies: [
                "RouterEngine",
                "RouterSimulation",
                "RouterRuntime",
                "RouterHTTP",
                "RouterControlServer",
                "RouterAttach",
                "RouterJournal",
                "RouterFleet",
                "Dashboard",
                "CNcursesw",
                "TOMLInput",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "RouterBenchmarks",
            dependencies: ["RouterEngine", "RouterSimulation", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/RouterBenchmarks"
        ),
        // The floor under the proxy benchmark: bytes forwarded on SwiftNIO with no HTTP and no routing.
        .executableTarget(
            name: "ProxyFloor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/ProxyFloor"
        ),
        .executableTarget(
            name: "DashboardBenchmarks",
            dependencies: ["Dashboard", "RouterEngine"],
            path: "Benchmarks/DashboardBenchmarks"
        ),
        .target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"),
        // Built normally it replays the committed corpora (`make test`); built with
        // `-sanitize=fuzzer,address -DFUZZING` it is a libFuzzer binary (`make fuzz`).
        .executableTarget(
            name: "FuzzInputs",
            dependencies: [
                "RouterEngine",
                "RouterSimulation",
                "RouterHTTP",
                "Dashboard",
                "TOMLInput",
                "CFuzzDriver",
                "RouterAttach",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz/FuzzInputs"
        ),
        .testTarget(
            name: "RouterEngineTests",
            dependencies: [
                "TestSupport",
                "RouterEngine",
                "RouterSimulation",
                "TOMLInput",
                "RouterRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "RouterSimulationTests",
            dependencies: [
                "TestSupport",
                "RouterSimulation",
                "RouterEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // What the test targets share: polling without fixed sleeps, the package's paths and built binary.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "RouterAPITests", dependencies: ["RouterAPI"]),
        .testTarget(name: "RouterFleetTests", dependencies: ["RouterFleet", "RouterAPI"]),
        .testTarget(
            name: "RouterJournalTests",
            dependencies: [
                "TestSupport", "RouterJournal", "RouterEngine",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "RouterControlServerTests",
            dependencies: [
                "TestSupport",
                "RouterControlServer", "RouterAttach", "RouterEngine", "RouterSimulation", "RouterRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "TestSupport", "Dashboard", "RouterEngine", "RouterSimulation", "RouterFleet",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RouterHTTPTests",
            dependencies: [
                "TestSupport",
                "RouterHTTP",
                .product(name: "Logging", package: "swift-log"),
                "RouterEngine",
                "RouterRuntime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport",
                "routertop", "RouterAPI", "RouterAttach",
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
