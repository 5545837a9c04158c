// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "chargemux",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chargemux", targets: ["chargemux"]),
        .library(name: "OCPP", targets: ["OCPP"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "PolicyLang", targets: ["PolicyLang"]),
        .library(name: "Gateway", targets: ["Gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The embedded store (SQLite through GRDB). Needs Debian's libsqlite3-dev.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // Latency percentiles of `chargemux loadtest`.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // OCPP-J frames, the JSON model and the OCPP 1.6 / 2.0.1 message catalogs. No dependencies.
        .target(name: "OCPP"),
        // What the gateway evaluates per message: the compiled decision tree and redaction.
        .target(name: "Runtime", dependencies: [
            "OCPP",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Lexer, parser, AST, diagnostics, checker and the compiler to Runtime's decision tree.
        .target(name: "PolicyLang", dependencies: ["OCPP", "Runtime"]),
        // Networking, configuration, sessions and store.
        .target(name: "Gateway", dependencies: [
            "OCPP", "Runtime", "PolicyLang",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .executableTarget(name: "chargemux", dependencies: [
            "OCPP", "Runtime", "PolicyLang", "Gateway",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // Helpers the test targets share (not shipped).
        .target(name: "TestSupport", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "OCPPTests", dependencies: ["OCPP"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "OCPP", "PolicyLang"]),
        // The corpus policies are read from the source tree by path, not bundled.
        .testTarget(name: "PolicyLangTests", dependencies: ["PolicyLang", "Runtime", "OCPP"], exclude: ["Corpus"]),
        .testTarget(name: "GatewayTests", dependencies: [
            "Gateway", "PolicyLang", "Runtime", "OCPP", "TestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            // The store tests tamper with the file as another program would.
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .testTarget(name: "chargemuxTests", dependencies: [
            "chargemux", "Gateway", "OCPP", "TestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
