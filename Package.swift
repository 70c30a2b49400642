// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "HuntDB",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hunt", targets: ["hunt"]),
        .library(name: "HuntDB", targets: ["HuntDB"]),
    ],
    dependencies: [
        // The `hunt` command line: subcommands, typed options, generated --help.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System SQLite (libsqlite3-dev), used through its C API.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // System zlib (zlib1g-dev), for reading gzip-compressed inputs.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // System OpenSSL libcrypto (libssl-dev), for SHA-256 at hardware speed (SHA-NI): every
        // loaded file is hashed for provenance.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The ordered migration files in migrations/, embedded at build time.
        .target(
            name: "Migrations",
            path: "migrations",
            resources: [.embedInCode("sql")]
        ),
        // Detection and saved-hunt SQL in queries/, embedded at build time.
        .target(
            name: "Queries",
            path: "queries",
            resources: [.embedInCode("sql"), .embedInCode("allowlists"), .embedInCode("hunts")]
        ),
        // The schema: migration list and the runner that applies them.
        .target(name: "Schema", dependencies: ["Migrations"]),
        .target(
            name: "HuntDB",
            dependencies: ["CSQLite", "CZlib", "CCrypto", "Schema", "Queries"],
            // The loader parses millions of records: optimize it even in debug builds, so that
            // `swift run hunt demo` and the test suite run at a useful speed.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .executableTarget(
            name: "hunt",
            dependencies: [
                "HuntDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HuntDBTests", dependencies: ["HuntDB", "Schema"], exclude: ["EVTX/Fixtures"]),
        .testTarget(name: "HuntCLITests", dependencies: ["HuntDB", "hunt"]),
    ],
    swiftLanguageModes: [.v5]
)
