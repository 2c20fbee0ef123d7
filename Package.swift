// swift-tools-version:6.0
import PackageDescription

/// cnm: a container-networking daemon (the Container Network Model on Linux),
/// served over the Connect protocol. See ../shared/DESIGN.md for the layers:
/// every dependency below points down.
let package = Package(
    name: "cnm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cnmd", targets: ["cnmd"]),
        .executable(name: "cnm", targets: ["cnm"]),
    ],
    dependencies: [
        .package(path: "clients/swift"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // C libraries from Debian, imported through a shim header each.
        .systemLibrary(
            name: "CLibNL", pkgConfig: "libnl-route-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-route-3-dev"])]),
        .systemLibrary(
            name: "CNFTables", pkgConfig: "libnftables",
            providers: [.apt(["libnftables-dev"])]),

        // Kernel-facing and pure building blocks: they know nothing of the API.
        .target(name: "Netlink", dependencies: ["CLibNL"]),
        .target(name: "IPAM"),
        .target(name: "Store", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Firewall", dependencies: ["CNFTables"]),
        .target(
            name: "DNS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // The CNM controller and its drivers.
        .target(
            name: "CNMCore",
            dependencies: [
                "Netlink", "IPAM", "Store", "Firewall", "DNS",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // The Connect protocol over NIO HTTP/2, mapping CNMAPI messages to CNMCore.
        .target(
            name: "CNMServer",
            dependencies: [
                "CNMCore",
                .product(name: "CNMAPI", package: "swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .executableTarget(
            name: "cnmd",
            dependencies: [
                "CNMServer", "CNMCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The CLI talks to cnmd through the SDK only; its commands and formatting live in
        // CNMCLIKit so that they can be unit-tested, `cnm` is the thin main.
        .target(
            name: "CNMCLIKit",
            dependencies: [
                .product(name: "CNMClient", package: "swift"),
                .product(name: "CNMAPI", package: "swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "cnm", dependencies: ["CNMCLIKit"]),

        // Benchmarks (bench/): not tests, no timing assertions.
        .executableTarget(name: "cnm-bench-core", dependencies: ["CNMCore", "Netlink"], path: "bench/core"),
        .executableTarget(name: "cnm-bench", dependencies: [.product(name: "CNMClient", package: "swift"), .product(name: "CNMAPI", package: "swift")], path: "bench/driver"),

        .testTarget(name: "IPAMTests", dependencies: ["IPAM"]),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "FirewallTests", dependencies: ["Firewall"]),
        .testTarget(name: "DNSTests", dependencies: ["DNS"]),
        .testTarget(name: "CNMCoreTests", dependencies: ["CNMCore", "Netlink"]),
        .testTarget(
            name: "CNMCLIKitTests",
            dependencies: [
                "CNMCLIKit",
                .product(name: "CNMAPI", package: "swift"),
                .product(name: "CNMClient", package: "swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(
            name: "CNMServerTests",
            dependencies: [
                "CNMServer", "CNMCore",
                .product(name: "CNMClient", package: "swift"),
                .product(name: "CNMAPI", package: "swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        // Crash safety, concurrency, hostile input and access of the real cnmd binary.
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                .product(name: "CNMClient", package: "swift"),
                .product(name: "CNMAPI", package: "swift"),
            ]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                .product(name: "CNMClient", package: "swift"),
                .product(name: "CNMAPI", package: "swift"),
            ]),
    ]
)
