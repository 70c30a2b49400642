/// The SQL files of `queries/sql/`, embedded in the binary at build time.
public enum EmbeddedQueries {
    /// `(file name without .sql, text)` for every embedded query file.
    public static let all: [(name: String, sql: String)] = []
}
