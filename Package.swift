// swift-tools-version:6.0
// Vigil: border biometric screening. Module dependencies point one way:
//   vigil (CLI) -> VigilDaemon -> VigilScreening -> {VigilVision, VigilMatching, VigilStores, VigilMetrics, VigilTemplates, VigilInterchange}
//   VigilStores -> {VigilSQLite (GRDB), VigilPostgres (postgres-nio)} -> VigilStorage (protocols, records)
//   VigilVision -> VigilVisionC (C API over OpenCV + dlib, in CShims/)
import PackageDescription

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["VigilCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/vapor/multipart-kit.git", exact: "4.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", exact: "1.5.0"),
    ],
    targets: [
        // System libraries: carry pkg-config flags only; Swift never imports their headers.
        .systemLibrary(name: "COpenCV", path: "CShims/COpenCV", pkgConfig: "opencv4",
                       providers: [.apt(["libopencv-dev"])]),
        .systemLibrary(name: "CDlib", path: "CShims/CDlib", pkgConfig: "dlib-1",
                       providers: [.apt(["libdlib-dev"])]),
        // OpenSSL's libcrypto, imported by Swift: AES-GCM with a reusable key schedule for bulk opening.
        .systemLibrary(name: "CLibcrypto", path: "CShims/CLibcrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // The C API (include/vigil_vision.h) implemented in C++.
        .target(
            name: "VigilVisionC",
            dependencies: ["COpenCV", "CDlib"],
            path: "CShims/VigilVisionC",
            // dlib's DNN code is unusably slow unoptimised, so debug builds optimise it too.
            // No fused multiply-adds: the same features from every build, native or not.
            cxxSettings: [.unsafeFlags(["-O2", "-ffp-contract=off"])],
            linkerSettings: [
                // dlib-1.pc names these by absolute path, which SwiftPM drops.
                .linkedLibrary("blas"), .linkedLibrary("lapack"),
                .linkedLibrary("png"), .linkedLibrary("jpeg"), .linkedLibrary("z"),
                // opencv4.pc lists ~55 libraries; keep only those actually used.
                .unsafeFlags(["-Xlinker", "--as-needed"]),
            ]
        ),
        // SIMD code is orders of magnitude slower unoptimised; optimise it in every build.
        .target(name: "VigilMatching", swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "VigilMetrics"),
        .target(name: "VigilTemplates"),
        // ANSI/NIST-ITL transactions (traditional encoding): pure Swift, no I/O, fuzzed on its own.
        .target(name: "VigilInterchange", dependencies: ["VigilTemplates"]),
        .target(name: "VigilVision", dependencies: ["VigilVisionC"]),
        // Storage as the service needs it (protocols, records, sealing, the audit chain), then one module per backend.
        .target(name: "VigilStorage", dependencies: [.product(name: "Crypto", package: "swift-crypto"), "CLibcrypto"]),
        .target(name: "VigilSQLite", dependencies: ["VigilStorage", .product(name: "GRDB", package: "GRDB.swift"),
                                                   .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .target(name: "VigilPostgres", dependencies: ["VigilStorage", .product(name: "PostgresNIO", package: "postgres-nio"),
                                                     .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                     .product(name: "Logging", package: "swift-log")]),
        // The one place that names the backends: a database location opens as `any VigilStore`.
        .target(name: "VigilStores", dependencies: ["VigilStorage", "VigilSQLite", "VigilPostgres"]),
        .target(
            name: "VigilScreening",
            dependencies: [
                "VigilVision", "VigilMatching", "VigilStorage", "VigilStores", "VigilMetrics", "VigilTemplates", "VigilInterchange",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "VigilDaemon",
            dependencies: [
                "VigilScreening", "VigilStores",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                // A post's client of headquarters (sync pages, record upload).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // Held sync requests end when the daemon shuts down gracefully.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Sync pages travel gzip-compressed to posts on slow links.
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            // The console's pages, embedded by scripts/embed-assets.py (ConsoleAssets.swift).
            exclude: ["Console"]
        ),
        .target(name: "VigilBenchmarks", dependencies: ["VigilMatching", "VigilMetrics", "VigilScreening", "VigilStores"],
                swiftSettings: [.unsafeFlags(["-O"])]),
        .executableTarget(
            name: "VigilCLI",
            dependencies: [
                "VigilDaemon", "VigilScreening", "VigilBenchmarks", "VigilInterchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "VigilTestSupport", dependencies: ["VigilInterchange", "VigilMetrics"], path: "Tests/VigilTestSupport"),
        .testTarget(name: "VigilMatchingTests", dependencies: ["VigilMatching", "VigilTestSupport"]),
        .testTarget(name: "VigilMetricsTests", dependencies: ["VigilMetrics"]),
        .testTarget(name: "VigilTemplatesTests", dependencies: ["VigilTemplates", "VigilTestSupport"]),
        .testTarget(name: "VigilInterchangeTests", dependencies: ["VigilInterchange", "VigilTemplates", "VigilTestSupport"]),
        .testTarget(name: "VigilBenchmarksTests", dependencies: ["VigilBenchmarks", "VigilMatching", "VigilScreening", "VigilTestSupport"]),
        .testTarget(name: "VigilVisionTests", dependencies: ["VigilVision", "VigilInterchange", "VigilTestSupport"]),
        .testTarget(name: "VigilStorageTests", dependencies: ["VigilStorage", "VigilSQLite", "VigilPostgres", "VigilStores",
                                                            "VigilTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "VigilScreeningTests",
            dependencies: ["VigilScreening", "VigilTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "VigilCLITests", dependencies: ["VigilVision", "VigilTestSupport"]),
        .testTarget(
            name: "VigilDaemonTests",
            dependencies: [
                "VigilDaemon", "VigilTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
