// swift-tools-version:6.2
import PackageDescription

import class Foundation.ProcessInfo

// One list of settings for every Parley target (STYLE.md, "Package and layout").
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .treatAllWarnings(as: .error),
]

// Reused products, declared once.
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "_CryptoExtras", package: "swift-crypto")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let sqlKit: Target.Dependency = .product(name: "SQLKit", package: "sql-kit")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")

let package = Package(
    name: "parley",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "parley", targets: ["parley"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Domain values and rules: no sockets, no Foundation.
        .target(name: "ParleyModel", swiftSettings: swiftSettings),
        // SIP message grammar, SDP, transaction and dialog state machines (RFC 3261/3264/4566).
        .target(name: "ParleySIP", dependencies: [nioCore], swiftSettings: swiftSettings),
        // RTP/RTCP, jitter buffer, G.711, G.722, RFC 4733 DTMF, resampling.
        .target(name: "ParleyRTP", dependencies: [nioCore], swiftSettings: swiftSettings),
        // Conference mixing: frames in, distinct mixes out.
        .target(name: "ParleyMixer", dependencies: ["ParleyRTP"], swiftSettings: swiftSettings),
        // STUN (RFC 8489, RFC 5389 compatible): message codec, integrity, client transactions, server logic.
        .target(name: "ParleySTUN", dependencies: [nioCore, crypto], swiftSettings: swiftSettings),
        // The node role: SIP and media transports, calls, IVR, meetings on this node.
        .target(
            name: "ParleyMediaServer",
            dependencies: ["ParleyModel", "ParleySIP", "ParleyRTP", "ParleyMixer", "ParleySTUN", "ParleyNetTest", nioCore, nioPosix, logging, metrics],
            resources: [.copy("Prompts")],
            swiftSettings: swiftSettings
        ),
        // Configuration file, environment and flag precedence, validation with key paths.
        .target(
            name: "ParleyConfig",
            dependencies: ["ParleyModel", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Schema, migrations and queries over SQLite and PostgreSQL.
        .target(
            name: "ParleyStore",
            dependencies: [
                "ParleyModel", sqlKit, logging, nioCore, nioPosix,
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        // Scheduling, meeting lifecycle, licence audit, alarms, credentials.
        .target(
            name: "ParleyDirector",
            dependencies: ["ParleyModel", "ParleyStore", logging, metrics, crypto, cryptoExtras],
            swiftSettings: swiftSettings
        ),
        // Hummingbird application: REST API, portal pages, browser participants (WebSocket), health, metrics.
        .target(
            name: "ParleyWeb",
            dependencies: [
                "ParleyModel", "ParleyDirector", "ParleyMediaServer", "ParleyRTP", hummingbird, logging, metrics, crypto,
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // Composition root: config -> services -> ServiceGroup; CLI client of the API.
        .target(
            name: "ParleyApp",
            dependencies: [
                "ParleyModel", "ParleyConfig", "ParleyStore", "ParleyDirector", "ParleyWeb", "ParleyMediaServer", "ParleySIP", "ParleySTUN",
                "ParleyNetTest",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                serviceLifecycle, logging, metrics, asyncHTTPClient, nioCore, nioPosix,
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The load generator (`parley load`): batched UDP I/O through a small C shim.
        .target(name: "CParleySockets"),
        .target(
            name: "ParleyLoad",
            dependencies: [
                "CParleySockets", "ParleySIP", "ParleyRTP", nioCore, nioPosix, logging, asyncHTTPClient,
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyApp", "ParleyConfig", "ParleyDirector", "ParleyModel", "ParleyWeb", "ParleyLoad", "ParleyMediaServer", "ParleyRTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fixtures for tests: temporary directories, a real PostgreSQL on a loopback port, test audio.
        .target(
            name: "ParleyTestSupport",
            dependencies: ["ParleyModel", "ParleyStore", logging, asyncHTTPClient, nioCore, .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ParleyModelTests", dependencies: ["ParleyModel"], swiftSettings: swiftSettings),
        .testTarget(name: "ParleySIPTests", dependencies: ["ParleySIP", nioCore], swiftSettings: swiftSettings),
        .testTarget(name: "ParleyRTPTests", dependencies: ["ParleyRTP", nioCore], swiftSettings: swiftSettings),
        .testTarget(name: "ParleyMixerTests", dependencies: ["ParleyMixer", "ParleyRTP"], swiftSettings: swiftSettings),
        .testTarget(name: "ParleySTUNTests", dependencies: ["ParleySTUN", nioCore, crypto], swiftSettings: swiftSettings),
        .testTarget(
            name: "ParleyMediaServerTests",
            dependencies: [
                "ParleyMediaServer", "ParleyModel", "ParleyRTP", "ParleySIP", "ParleySTUN", "ParleyNetTest", "ParleyTestSupport", nioCore, logging,
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParleyLoadTests",
            dependencies: [
                "ParleyLoad", "ParleyRTP", nioCore, .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ParleyWebTests",
            dependencies: [
                "ParleyWeb", "ParleyDirector", "ParleyStore", "ParleyModel", "ParleyMediaServer", "ParleyRTP", "ParleyTestSupport", logging, nioCore,
                nioPosix, .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ParleyConfigTests", dependencies: ["ParleyConfig", "ParleyModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ParleyStoreTests",
            dependencies: ["ParleyStore", "ParleyModel", "ParleyTestSupport", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParleyDirectorTests",
            dependencies: ["ParleyDirector", "ParleyStore", "ParleyModel", "ParleyTestSupport", logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParleyAppTests",
            dependencies: [
                "ParleyApp", "ParleyConfig", "ParleyWeb", "ParleyDirector", "ParleyStore", "ParleyModel",
                "ParleyTestSupport", "ParleyLoad", "ParleyMediaServer", asyncHTTPClient, logging, nioCore,
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Network-test probes and their statistics: loss, jitter, delay, throughput, calls.
        .target(name: "ParleyNetTest", dependencies: [nioCore], swiftSettings: swiftSettings),
        .testTarget(name: "ParleyNetTestTests", dependencies: ["ParleyNetTest", nioCore], swiftSettings: swiftSettings),
    ]
)

// Micro-benchmarks (ordo-one/benchmark) in Benchmarks/, outside `swift test`: only when
// PARLEY_BENCHMARKS is set, so CI and everyday builds do not fetch or build the harness.
// Run them with scripts/bench-micro.sh.
if ProcessInfo.processInfo.environment["PARLEY_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "ParleyMediaBenchmarks",
            dependencies: [
                "ParleyRTP", "ParleyMixer", "ParleySIP", nioCore,
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ParleyMediaBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ))
}
