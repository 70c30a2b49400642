/// The query files of `queries/sql/` and the allowlists of `queries/allowlists/`, embedded in
/// the binary at build time.
public enum EmbeddedQueries {
    /// `(file name without .sql, text)` for every detection rule file.
    public static let rules: [(name: String, sql: String)] = [
        ("remote_service_rpc", text(PackageResources.remote_service_rpc_sql)),
        ("rpc_service_process", text(PackageResources.rpc_service_process_sql)),
        ("rpc_service_network", text(PackageResources.rpc_service_network_sql)),
    ]

    /// `(rule id, text)` of the ClickHouse texts of built-in rules (`queries/clickhouse/ID.clickhouse.sql`):
    /// the same rows as the rule's SQLite text, in ClickHouse's SQL (the SQLite file declares the rule).
    public static let clickHouseRules: [(name: String, sql: String)] = [
        ("remote_service_rpc", text(PackageResources.remote_service_rpc_clickhouse_sql)),
        ("rpc_service_process", text(PackageResources.rpc_service_process_clickhouse_sql)),
        ("rpc_service_network", text(PackageResources.rpc_service_network_clickhouse_sql)),
    ]

    /// `(hunt id, text)` of the ClickHouse texts of saved hunts (`queries/clickhouse/hunts/`).
    public static let clickHouseHunts: [(name: String, sql: String)] = [
        ("first_seen_executables", text(PackageResources.first_seen_executables_clickhouse_sql)),
        ("host_timeline", text(PackageResources.host_timeline_clickhouse_sql)),
        ("lateral_chain", text(PackageResources.lateral_chain_clickhouse_sql)),
        ("network_logons", text(PackageResources.network_logons_clickhouse_sql)),
        ("process_connections", text(PackageResources.process_connections_clickhouse_sql)),
        ("process_tree", text(PackageResources.process_tree_clickhouse_sql)),
        ("rare_parent_child", text(PackageResources.rare_parent_child_clickhouse_sql)),
        ("rpc_high_port_inbound", text(PackageResources.rpc_high_port_inbound_clickhouse_sql)),
        ("services_children", text(PackageResources.services_children_clickhouse_sql)),
        ("services_installed", text(PackageResources.services_installed_clickhouse_sql)),
    ]

    /// `(file name without .sql, text)` for every saved hunt in `queries/hunts/`.
    public static let hunts: [(name: String, sql: String)] = [
        ("first_seen_executables", text(PackageResources.first_seen_executables_sql)),
        ("host_timeline", text(PackageResources.host_timeline_sql)),
        ("lateral_chain", text(PackageResources.lateral_chain_sql)),
        ("network_logons", text(PackageResources.network_logons_sql)),
        ("process_connections", text(PackageResources.process_connections_sql)),
        ("process_tree", text(PackageResources.process_tree_sql)),
        ("rare_parent_child", text(PackageResources.rare_parent_child_sql)),
        ("rpc_high_port_inbound", text(PackageResources.rpc_high_port_inbound_sql)),
        ("services_children", text(PackageResources.services_children_sql)),
        ("services_installed", text(PackageResources.services_installed_sql)),
    ]

    /// `(file name without .yml, text)` for every Sigma rule in `queries/sigma/`.
    public static let sigmaRules: [(name: String, yaml: String)] = [
        ("rpc_service_process", text(PackageResources.rpc_service_process_yml)),
        ("rpc_service_network", text(PackageResources.rpc_service_network_yml)),
        ("remote_service_rpc_correlation", text(PackageResources.remote_service_rpc_correlation_yml)),
    ]

    /// The default allowlist for the remote-service rules.
    public static let defaultAllowlist: String = text(PackageResources.default_allowlist)

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
