/// Which columns of the event views are dictionary ids in the compact tables (m0009): the view
/// column `c` of `processes` is `<dictionary>.value` for `<dictionary>.<key> = process_rows.c_ref`,
/// and likewise for `network_connections` over `network_rows`.
///
/// `CompactStoreTests` checks every entry against the views on a loaded database; the Sigma
/// correlations' narrow rows (`SigmaCorrelationEventRows`) read the same map.
public enum InternedColumns {
    /// A dictionary table (its name is the raw value): its id column and its text column `value`.
    public enum Dictionary: String, CaseIterable {
        case strings, texts, names

        /// The id column.
        public var key: String {
            switch self {
            case .strings: "string_id"
            case .texts: "text_id"
            case .names: "name_ref"
            }
        }

        /// Every text with its id, in id order.
        var everyText: String {
            switch self {
            case .strings: "SELECT string_id, value FROM strings ORDER BY string_id"
            case .texts: "SELECT text_id, value FROM texts ORDER BY text_id"
            case .names: "SELECT name_ref, value FROM names ORDER BY name_ref"
            }
        }
    }

    /// The compact table under a view, or nil for any other name.
    static func rows(of view: String) -> String? {
        switch view {
        case "processes": "process_rows"
        case "network_connections": "network_rows"
        default: nil
        }
    }

    /// The dictionary holding `column` of `view`, or nil when the column is not interned there
    /// (an integer, an entity id, a computed column).
    public static func dictionary(of column: String, in view: String) -> Dictionary? {
        if column == "name" || column == "parent_name" { return .names }
        if view == "processes", processTexts.contains(column) { return .texts }
        switch view {
        case "processes": return processStrings.contains(column) ? .strings : nil
        case "network_connections": return networkStrings.contains(column) ? .strings : nil
        default: return nil
        }
    }

    /// Every interned column of `view`.
    public static func columns(of view: String) -> [String] {
        let strings = view == "processes" ? processStrings.union(processTexts)
            : view == "network_connections" ? networkStrings : []
        return strings.sorted() + (view == "processes" ? ["name", "parent_name"] : ["name"])
    }

    /// The id column of `column` in the compact table.
    public static func reference(of column: String) -> String { column + "_ref" }

    /// Command lines and `args` arrays: in `texts` (m0017).
    private static let processTexts: Set<String> = ["command_line", "args", "parent_command_line"]
    private static let processStrings: Set<String> = [
        "executable", "working_directory", "parent_executable",
        "user_name", "user_domain", "integrity_level", "hashes", "original_file_name", "description", "product",
        "company", "file_version", "logon_id", "logon_guid", "parent_user",
    ]
    private static let networkStrings: Set<String> = [
        "executable", "user_name", "user_domain", "transport", "direction", "source_ip", "source_hostname",
        "destination_ip", "destination_hostname", "source_port_name", "destination_port_name",
    ]
}
