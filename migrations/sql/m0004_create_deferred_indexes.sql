-- Secondary indexes dropped for a bulk load and not yet rebuilt.
-- A large load drops the event tables' secondary indexes, records them here in the same
-- transaction, and recreates them when it ends (sorting once is far faster than updating a dozen
-- B-trees per row). If the loader dies in between, the next write-mode open rebuilds them.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) STRICT;
