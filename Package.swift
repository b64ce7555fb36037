// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "crm",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "crm", targets: ["crm"]),
        .library(name: "CRMCore", targets: ["CRMCore"]),
        .library(name: "LuaBridge", targets: ["LuaBridge"]),
        .executable(name: "luabridge-bench", targets: ["LuaBridgeBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        .target(name: "LuaBridge", dependencies: ["CLua"]),
        .target(
            name: "CRMCore",
            dependencies: [
                "LuaBridge",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "crm",
            dependencies: [
                "CRMCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `swift run -c release luabridge-bench`: calls per second of the hot path (bench/README.md).
        .executableTarget(name: "LuaBridgeBenchmark", dependencies: ["LuaBridge"]),
        .testTarget(name: "LuaBridgeTests", dependencies: ["LuaBridge"]),
        .testTarget(name: "CRMCoreTests", dependencies: ["CRMCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["CRMCore"]),
    ],
    swiftLanguageModes: [.v6]
)
