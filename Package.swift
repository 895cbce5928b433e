// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // A file uses only what it imports itself, so every product a target uses is declared below.
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "YTV2",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ytv2", targets: ["ytv2"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // Value types, normalization, rendering, URL parsing, taxonomy. No I/O.
        .target(
            name: "YTV2Core",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            resources: [.copy("Resources/taxonomy.json")],
            swiftSettings: swiftSettings
        ),
        // Helper programs (pg_ctl, pg_dump, yt-dlp, espeak-ng, ...) run through swift-subprocess.
        .target(
            name: "YTV2Subprocess",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        // The shared PostgreSQL database: pool, migrations, writes, reads, change feed, audit, local cluster.
        .target(
            name: "YTV2Store",
            dependencies: [
                "YTV2Core",
                "YTV2Subprocess",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // Readers and the writer for the legacy SQLite files and JSON reports.
        .target(
            name: "YTV2Legacy",
            dependencies: [
                "YTV2Core",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Generated legacy data (files shaped like the real ones, with their quirks) for `ytv2 fixtures`, the tests and the
        // benchmarks; nothing in production depends on it.
        .target(
            name: "YTV2Fixtures",
            dependencies: [
                "YTV2Core",
                "YTV2Legacy",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Snapshot, plan, import, verify and the migration phases.
        .target(
            name: "YTV2Migration",
            dependencies: [
                "YTV2Core",
                "YTV2Legacy",
                "YTV2Store",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP service.
        .target(
            name: "YTV2Dashboard",
            dependencies: [
                "YTV2Core",
                "YTV2Store",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Public")],
            swiftSettings: swiftSettings
        ),
        // The pipeline, job queue and Telegram bot.
        .target(
            name: "YTV2Processor",
            dependencies: [
                "YTV2Core",
                "YTV2Store",
                "YTV2Subprocess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/Prompts")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ytv2",
            dependencies: [
                "YTV2Core",
                "YTV2Dashboard",
                "YTV2Fixtures",
                "YTV2Legacy",
                "YTV2Migration",
                "YTV2Processor",
                "YTV2Store",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support: one PostgreSQL server per test run, a fresh database per suite.
        .target(
            name: "YTV2TestSupport",
            dependencies: [
                "YTV2Core",
                "YTV2Store",
                "YTV2Subprocess",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/YTV2TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YTV2CoreTests",
            dependencies: [
                "YTV2Core"
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YTV2LegacyTests",
            dependencies: [
                "YTV2Core",
                "YTV2Legacy",
                "YTV2TestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YTV2StoreTests",
            dependencies: [
                "YTV2Core",
                "YTV2Store",
                "YTV2TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YTV2MigrationTests",
            dependencies: [
                "YTV2Core",
                "YTV2Dashboard",
                "YTV2Fixtures",
                "YTV2Legacy",
                "YTV2Migration",
                "YTV2Store",
                "YTV2TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Local fakes of YouTube, the LLM and speech APIs and the Telegram Bot API, speaking their real protocols.
        .target(
            name: "YTV2Fakes",
            dependencies: [
                "YTV2Core",
                "YTV2TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/YTV2Fakes",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YTV2ProcessorTests",
            dependencies: [
                "YTV2Core",
                "YTV2Fakes",
                "YTV2Processor",
                "YTV2Store",
                "YTV2TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Real processes end to end: the disaster drills.
        .testTarget(
            name: "YTV2EndToEndTests",
            dependencies: [
                "YTV2Core",
                "YTV2Fakes",
                "YTV2Fixtures",
                "YTV2Legacy",
                "YTV2Store",
                "YTV2TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YTV2DashboardTests",
            dependencies: [
                "YTV2Core",
                "YTV2Dashboard",
                "YTV2Store",
                "YTV2TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
