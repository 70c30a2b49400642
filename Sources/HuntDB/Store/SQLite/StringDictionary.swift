import CSQLite
import Model

/// One dictionary table of the compact store (m0009): each distinct text is stored once and
/// event rows refer to it by its id.
///
/// A bounded cache keeps the ids of recent texts, so a repeated executable or command line costs
/// one hash lookup; a miss costs one index seek, and a new text one insert. The cache holds only
/// ids of rows the current transaction can see: forget it after a rollback.
final class StringDictionary {
    /// The dictionaries of m0009.
    enum Table {
        /// Image file names (`name`, `parent_name`); one entry per exact spelling.
        case names
        /// Process entity ids.
        case entities
        /// Every other interned text.
        case strings

        fileprivate var lookupSQL: String {
            switch self {
            case .names: "SELECT name_ref FROM names WHERE value = ?1 COLLATE BINARY"
            case .entities: "SELECT entity_ref FROM entities WHERE value = ?1"
            case .strings: "SELECT string_id FROM strings WHERE value = ?1"
            }
        }

        fileprivate var insertSQL: String {
            switch self {
            case .names: "INSERT INTO names (value) VALUES (?1)"
            case .entities: "INSERT INTO entities (value) VALUES (?1)"
            case .strings: "INSERT INTO strings (value) VALUES (?1)"
            }
        }
    }

    private let database: Database
    private let lookup: Statement
    private let insert: Statement
    private var cache: [String: Int64] = [:]
    private let capacity: Int

    /// - Parameter capacity: most texts cached; the cache starts over when full (memory stays bounded).
    init(database: Database, table: Table, capacity: Int = 100_000) throws {
        self.database = database
        self.capacity = capacity
        lookup = try database.prepare(table.lookupSQL, purpose: "looking up an interned text", persistent: true)
        insert = try database.prepare(table.insertSQL, purpose: "interning a text", persistent: true)
    }

    /// The id of `text`, storing it first when the dictionary lacks it; nil for nil.
    func ref(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        return try intern(text)
    }

    private func intern(_ text: String) throws -> Int64 {
        if let id = cache[text] { return id }
        let id = try stored(text) ?? added(text)
        if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
        cache[text] = id
        return id
    }

    /// Forgets every cached id (after a rollback, some may name rows that no longer exist).
    func forget() {
        cache.removeAll(keepingCapacity: true)
    }

    private func stored(_ text: String) throws -> Int64? {
        defer { lookup.reset() }
        lookup.bind(text, at: 1)
        return try lookup.step() ? lookup.int64(0) : nil
    }

    private func added(_ text: String) throws -> Int64 {
        insert.bind(text, at: 1)
        try insert.run()
        return database.lastInsertRowID
    }
}

/// The three dictionaries a writer interns into.
final class StringDictionaries {
    let names: StringDictionary
    let entities: StringDictionary
    let strings: StringDictionary

    init(database: Database) throws {
        names = try StringDictionary(database: database, table: .names, capacity: 20_000)
        entities = try StringDictionary(database: database, table: .entities)
        strings = try StringDictionary(database: database, table: .strings)
    }

    func forget() {
        names.forget()
        entities.forget()
        strings.forget()
    }
}
