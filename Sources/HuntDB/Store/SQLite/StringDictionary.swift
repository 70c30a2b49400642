import CSQLite
import Model

/// One dictionary table of the compact store (m0009): each distinct text is stored once and
/// event rows refer to it by its id.
///
/// A bounded cache keeps the ids of recent texts, keyed by their bytes (`InternCache`), so a
/// repeated executable or command line costs one hash lookup; a miss costs one index seek, and
/// a new text one insert. The cache holds only ids of rows the current transaction can see:
/// forget it after a rollback.
final class StringDictionary {
    /// The dictionaries of m0009.
    enum Table {
        /// Image file names (`name`, `parent_name`); one entry per exact spelling.
        case names
        /// Process entity ids.
        case entities
        /// Every other interned text but command lines and `args`.
        case strings
        /// Command lines and `args` arrays (m0017): found by their `TextHash`, not by an index
        /// over the text.
        case texts

        /// Whether the table stores each text's `TextHash` and is looked up by it (`?2`).
        fileprivate var lookedUpByHash: Bool { self == .texts }

        /// `?1` the text; `?2` its `TextHash` (bound where `lookedUpByHash`).
        fileprivate var lookupSQL: String {
            switch self {
            case .names: "SELECT name_ref FROM names WHERE value = ?1 COLLATE BINARY"
            case .entities: "SELECT entity_ref FROM entities WHERE value = ?1"
            case .strings: "SELECT string_id FROM strings WHERE value = ?1"
            case .texts: "SELECT text_id FROM texts WHERE hash = ?2 AND value = ?1"
            }
        }

        fileprivate var insertSQL: String {
            switch self {
            case .names: "INSERT INTO names (value) VALUES (?1)"
            case .entities: "INSERT INTO entities (value) VALUES (?1)"
            case .strings: "INSERT INTO strings (value) VALUES (?1)"
            case .texts: "INSERT INTO texts (value, hash) VALUES (?1, ?2)"
            }
        }

        /// An insert that does nothing when the text is stored; nil when no unique index
        /// refuses a stored text (`texts`: look up first).
        fileprivate var insertIfNewSQL: String? {
            switch self {
            case .names: "INSERT INTO names (value) VALUES (?1) ON CONFLICT DO NOTHING"
            case .entities: "INSERT INTO entities (value) VALUES (?1) ON CONFLICT DO NOTHING"
            case .strings: "INSERT INTO strings (value) VALUES (?1) ON CONFLICT DO NOTHING"
            case .texts: nil
            }
        }
    }

    private let database: Database
    private let lookup: Statement
    private let insert: Statement
    private let insertIfNew: Statement?
    private let hashed: Bool
    private var cache: InternCache

    /// - Parameters:
    ///   - capacity: most texts cached; the cache starts over when full (memory stays bounded).
    ///   - cachedBytes: most bytes of text cached, likewise.
    init(database: Database, table: Table, capacity: Int = 100_000, cachedBytes: Int = InternCache.defaultArenaLimit) throws {
        self.database = database
        cache = InternCache(capacity: capacity, arenaLimit: cachedBytes)
        lookup = try database.prepare(table.lookupSQL, purpose: "looking up an interned text", persistent: true)
        insert = try database.prepare(table.insertSQL, purpose: "interning a text", persistent: true)
        insertIfNew = try table.insertIfNewSQL.map { try database.prepare($0, purpose: "interning a new text", persistent: true) }
        hashed = table.lookedUpByHash
    }

    /// The id of `text`, storing it first when the dictionary lacks it; nil for nil.
    /// - Parameter usuallyNew: the text is most likely not stored yet (a process start's own
    ///   entity id): try the insert first, one statement instead of a lookup and an insert
    ///   (where a unique index refuses a stored text).
    func ref(_ text: String?, usuallyNew: Bool = false) throws -> Int64? {
        guard var text else { return nil }
        return try text.withUTF8 { try intern(UnsafeRawBufferPointer($0), usuallyNew: usuallyNew) }
    }

    /// The id of the text with these UTF-8 bytes, storing it first when the dictionary lacks it.
    func intern(_ bytes: UnsafeRawBufferPointer, usuallyNew: Bool = false) throws -> Int64 {
        let hash = InternCache.hash(bytes)
        if let id = cache.id(for: bytes, hash: hash) { return id }
        let id: Int64
        if usuallyNew, let insertIfNew, let added = try addedUnlessStored(bytes, insertIfNew) {
            id = added
        } else {
            // The cache's hash is the text's `TextHash`: what `texts.hash` stores.
            let textHash = Int64(bitPattern: hash)
            id = try stored(bytes, textHash) ?? added(bytes, textHash)
        }
        cache.insert(bytes, hash: hash, id: id)
        return id
    }

    /// Forgets every cached id (after a rollback, some may name rows that no longer exist).
    func forget() {
        cache.removeAll()
    }

    /// `textHash`: the text's `TextHash`, bound where the table is looked up by it.
    private func stored(_ bytes: UnsafeRawBufferPointer, _ textHash: Int64) throws -> Int64? {
        defer { lookup.reset() }
        lookup.bindText(bytes, at: 1)
        if hashed { lookup.bind(textHash, at: 2) }
        return try lookup.step() ? lookup.int64(0) : nil
    }

    private func added(_ bytes: UnsafeRawBufferPointer, _ textHash: Int64) throws -> Int64 {
        insert.bindText(bytes, at: 1)
        if hashed { insert.bind(textHash, at: 2) }
        try insert.run()
        return database.lastInsertRowID
    }

    /// Inserts the text unless the dictionary holds it already; its new id, or nil when it was there.
    private func addedUnlessStored(_ bytes: UnsafeRawBufferPointer, _ insertIfNew: Statement) throws -> Int64? {
        insertIfNew.bindText(bytes, at: 1)
        try insertIfNew.run()
        return database.changes == 1 ? database.lastInsertRowID : nil
    }
}

/// The four dictionaries a writer interns into.
final class StringDictionaries {
    let names: StringDictionary
    let entities: StringDictionary
    let strings: StringDictionary
    let texts: StringDictionary

    init(database: Database) throws {
        names = try StringDictionary(database: database, table: .names, capacity: 20_000)
        entities = try StringDictionary(database: database, table: .entities)
        // Short texts now that command lines have their own dictionary: the four caches together
        // hold at most 40 MiB of text (three of 12 MiB held 36 before m0017).
        strings = try StringDictionary(database: database, table: .strings, cachedBytes: 4 << 20)
        texts = try StringDictionary(database: database, table: .texts)
    }

    func forget() {
        names.forget()
        entities.forget()
        strings.forget()
        texts.forget()
    }
}
