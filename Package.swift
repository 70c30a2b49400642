// swift-tools-version:6.0
import PackageDescription

// The loader parses millions of records: optimize the library even in debug builds, so that
// `swift run hunt demo` and the test suite run at a useful speed.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

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
        // Sigma rules are YAML: a full YAML parser (anchors, block scalars, quoting rules) is not
        // something to write again; Yams wraps libyaml, is widely used and maintained.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
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
            resources: [.embedInCode("sql"), .embedInCode("clickhouse")]
        ),
        // Detection and saved-hunt SQL in queries/, embedded at build time.
        .target(
            name: "Queries",
            path: "queries",
            resources: [.embedInCode("sql"), .embedInCode("allowlists"), .embedInCode("hunts"), .embedInCode("sigma"),
                        .embedInCode("clickhouse")]
        ),
        // The schema: migration list and the runner that applies them.
        .target(name: "Schema", dependencies: ["Migrations"]),

        // The library's layers, one target each (see ARCHITECTURE.md). Arrows point one way:
        // Model ← Normalize ← Ingest → Store ← Detect, Query ← Report; Output and Generate know only Model.
        // The shared vocabulary: events, rows and values, load counts, query files, small tools.
        .target(name: "Model", dependencies: ["CCrypto"], path: "Sources/HuntDB/Model", swiftSettings: optimized),
        // Dialect records (Sysmon, ECS, Windows events) → canonical events.
        .target(name: "Normalize", dependencies: ["Model"], path: "Sources/HuntDB/Normalize", swiftSettings: optimized),
        // The only owner of SQLite: the EventStore seam and its SQLite implementation.
        .target(name: "Store", dependencies: ["Model", "Schema", "CSQLite"], path: "Sources/HuntDB/Store", swiftSettings: optimized),
        // Reading every input format, framing records, and loading them into a store.
        .target(name: "Ingest", dependencies: ["Model", "Normalize", "Store", "CZlib"], path: "Sources/HuntDB/Ingest",
                swiftSettings: optimized),
        // Rules as data, run through the store, with allowlists and computed coverage.
        // Sigma rules (Detect/Sigma) are compiled to SQL; their YAML is read with Yams.
        .target(name: "Detect", dependencies: ["Model", "Store", "Queries", .product(name: "Yams", package: "Yams")], path: "Sources/HuntDB/Detect", swiftSettings: optimized),
        // Saved hunts and analysts' read-only SQL.
        .target(name: "Query", dependencies: ["Model", "Store", "Queries"], path: "Sources/HuntDB/Query", swiftSettings: optimized),
        // Row writers: aligned tables, CSV, JSON, NDJSON.
        .target(name: "Output", dependencies: ["Model"], path: "Sources/HuntDB/Output", swiftSettings: optimized),
        // The case report: what was loaded, coverage, alerts as cards with timelines and process
        // trees, rendered as one self-contained HTML file.
        .target(name: "Report", dependencies: ["Model", "Store", "Detect", "Query"], path: "Sources/HuntDB/Report", swiftSettings: optimized),
        // Synthetic corpora with planted lateral movement, in every dialect (demo and tests).
        .target(name: "Generate", dependencies: ["Model", "CZlib"], path: "Sources/HuntDB/Generate", swiftSettings: optimized),
        // The umbrella: `import HuntDB` gives the public API of every layer.
        .target(
            name: "HuntDB",
            dependencies: ["Model", "Normalize", "Store", "Ingest", "Detect", "Query", "Output", "Report", "Generate"],
            path: "Sources/HuntDB/Umbrella"
        ),
        .executableTarget(
            name: "hunt",
            dependencies: [
                "HuntDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "HuntDBTests",
            dependencies: ["HuntDB", "Schema", "Queries", "Model", "Normalize", "Store", "Ingest", "Detect", "Query", "Output", "Report", "Generate"],
            exclude: ["EVTX/Fixtures"]
        ),
        .testTarget(name: "HuntCLITests", dependencies: ["HuntDB", "Store", "hunt"]),
    ],
    swiftLanguageModes: [.v5]
)
