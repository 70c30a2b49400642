-- What kind of record key an event has (issue 15): the record key is a String on ClickHouse and
-- a content hash (a record without an id) is stored as its 32 hex digits, so an ECS event.id
-- of 32 lower-case hex digits looked like a hash and its record id read as null. SQLite tells
-- them apart by type (a hash is a blob). Loads since c0004 write 1 for a content hash and 0 for
-- an id; rows loaded before keep the old reading through the DEFAULT (computed when read: the
-- kind of those keys was not recorded). 18.16 has no ADD COLUMN IF NOT EXISTS: the store skips
-- an ADD COLUMN whose column exists, so every statement may run again.

-- sharded
ALTER TABLE processes ADD COLUMN record_key_is_hash UInt8 DEFAULT match(record_key, '^[0-9a-f]{32}$') AFTER content_key;

-- sharded
ALTER TABLE network_connections ADD COLUMN record_key_is_hash UInt8 DEFAULT match(record_key, '^[0-9a-f]{32}$') AFTER content_key;

-- sharded
ALTER TABLE lifecycle_events ADD COLUMN record_key_is_hash UInt8 DEFAULT match(record_key, '^[0-9a-f]{32}$') AFTER content_key;

-- sharded
ALTER TABLE logons ADD COLUMN record_key_is_hash UInt8 DEFAULT match(record_key, '^[0-9a-f]{32}$') AFTER content_key;

-- sharded
ALTER TABLE service_installs ADD COLUMN record_key_is_hash UInt8 DEFAULT match(record_key, '^[0-9a-f]{32}$') AFTER content_key;
