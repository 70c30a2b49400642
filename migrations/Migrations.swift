/// The migration files of `migrations/sql/` (SQLite) and `migrations/clickhouse/`, embedded in the binary at build time.
///
/// Add a migration by dropping `mNNNN_verb_object.sql` into `migrations/sql/` and listing it
/// here in order. Landed migrations are never edited; a test checks that this list and the
/// folder agree.
public enum EmbeddedMigrations {
    /// `(id, sql)` pairs in the order they apply.
    public static let all: [(id: String, sql: String)] = [
        ("m0001_create_tables", text(PackageResources.m0001_create_tables_sql)),
        ("m0002_create_indexes", text(PackageResources.m0002_create_indexes_sql)),
        ("m0003_create_views", text(PackageResources.m0003_create_views_sql)),
        ("m0004_create_deferred_indexes", text(PackageResources.m0004_create_deferred_indexes_sql)),
        ("m0005_record_identity", text(PackageResources.m0005_record_identity_sql)),
        ("m0006_event_details", text(PackageResources.m0006_event_details_sql)),
        ("m0007_security_entities", text(PackageResources.m0007_security_entities_sql)),
        ("m0008_context_events", text(PackageResources.m0008_context_events_sql)),
        ("m0009_compact_store", text(PackageResources.m0009_compact_store_sql)),
        ("m0011_context_evidence", text(PackageResources.m0011_context_evidence_sql)),
        ("m0012_source_address_index", text(PackageResources.m0012_source_address_index_sql)),
        ("m0014_narrow_event_keys", text(PackageResources.m0014_narrow_event_keys_sql)),
        ("m0015_connection_context", text(PackageResources.m0015_connection_context_sql)),
        ("m0016_child_context", text(PackageResources.m0016_child_context_sql)),
        ("m0017_texts_by_hash", text(PackageResources.m0017_texts_by_hash_sql)),
        ("m0018_source_index_without_time", text(PackageResources.m0018_source_index_without_time_sql)),
    ]

    /// `(id, sql)` of the ClickHouse schema (`migrations/clickhouse/`), in the order they apply.
    public static let clickHouse: [(id: String, sql: String)] = [
        ("c0001_create_tables", text(PackageResources.c0001_create_tables_sql)),
        ("c0002_create_views", text(PackageResources.c0002_create_views_sql)),
        ("c0003_context_tables", text(PackageResources.c0003_context_tables_sql)),
        ("c0004_record_key_kind", text(PackageResources.c0004_record_key_kind_sql)),
        ("c0005_command_line_evidence", text(PackageResources.c0005_command_line_evidence_sql)),
        ("c0006_link_versions", text(PackageResources.c0006_link_versions_sql)),
        ("c0007_versioned_identity", text(PackageResources.c0007_versioned_identity_sql)),
        ("c0008_view_times", text(PackageResources.c0008_view_times_sql)),
    ]

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
