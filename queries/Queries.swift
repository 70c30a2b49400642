/// The query files of `queries/sql/` and the allowlists of `queries/allowlists/`, embedded in
/// the binary at build time.
public enum EmbeddedQueries {
    /// `(file name without .sql, text)` for every detection rule file.
    public static let rules: [(name: String, sql: String)] = [
        ("remote_service_rpc", text(PackageResources.remote_service_rpc_sql)),
        ("rpc_service_process", text(PackageResources.rpc_service_process_sql)),
        ("rpc_service_network", text(PackageResources.rpc_service_network_sql)),
    ]

    /// The default allowlist for the remote-service rules.
    public static let defaultAllowlist: String = text(PackageResources.default_allowlist)

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
