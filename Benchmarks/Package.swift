// swift-tools-version:6.1
// The benchmarks are a package of their own so that `swift build` of chargemux does not build
// package-benchmark. Run from this folder: `swift package benchmark`.
import PackageDescription

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOWebSocket", package: "swift-nio"),
]

let package = Package(
    name: "chargemux-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "chargemux", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "PolicyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OCPP", package: "chargemux"),
                .product(name: "Runtime", package: "chargemux"),
                .product(name: "PolicyLang", package: "chargemux"),
            ],
            path: "Benchmarks/PolicyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // What the bare tools share: NIO's WebSocket plumbing and nothing more.
        .target(name: "BareNIO", dependencies: nio, path: "Benchmarks/BareNIO"),
        // The floor under the gateway's cost: networking only (scripts/bench-gateway, `ONLY=bare`).
        .executableTarget(
            name: "bare-forwarder",
            dependencies: ["BareNIO", .product(name: "OCPP", package: "chargemux")] + nio,
            path: "Benchmarks/BareForwarder"
        ),
        // The reference figure on this machine: a SwiftNIO WebSocket echo (scripts/bench-echo).
        .executableTarget(name: "bare-echo", dependencies: ["BareNIO"] + nio, path: "Benchmarks/BareEcho"),
    ],
    swiftLanguageModes: [.v6]
)
