import Model

/// One table, view or column of the store, described for analysts.
public struct SchemaEntry: Sendable, Equatable {
    /// The table or view.
    public var object: String
    /// `table` or `view`.
    public var kind: String
    /// nil for the row that describes the table or view itself.
    public var column: String?
    public var type: String
    public var description: String

    public init(object: String, kind: String, column: String?, type: String, description: String) {
        self.object = object
        self.kind = kind
        self.column = column
        self.type = type
        self.description = description
    }

    /// The column names of `hunt schema`.
    public static let columns = ["object", "kind", "column", "type", "description"]

    /// The entry as a row of `columns`.
    public var row: [RowValue] {
        [.text(object), .text(kind), .text(column ?? ""), .text(type), .text(description)]
    }
}
