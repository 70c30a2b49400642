-- Indexes for the detections (host + entity ids + time) and typical hunts.

-- remote_service_rpc step B candidates: children of services.exe, by time.
CREATE INDEX processes_by_parent_name ON processes (parent_name, ts_us);
-- Process trees and parent pivots within a host.
CREATE INDEX processes_by_parent ON processes (host_id, parent_entity_id, ts_us);
CREATE INDEX processes_by_entity ON processes (host_id, entity_id);
-- Time ranges, per host and fleet-wide.
CREATE INDEX processes_by_host_time ON processes (host_id, ts_us);
CREATE INDEX processes_by_time ON processes (ts_us);
-- Hunts by image name.
CREATE INDEX processes_by_name ON processes (name, ts_us);

-- remote_service_rpc step A lookups: one process entity's connections by time.
CREATE INDEX network_by_entity ON network_connections (host_id, entity_id, ts_us);
-- services.exe (or any image) network activity by time.
CREATE INDEX network_by_name ON network_connections (name, host_id, ts_us);
CREATE INDEX network_by_host_time ON network_connections (host_id, ts_us);
CREATE INDEX network_by_time ON network_connections (ts_us);
-- IP and port pivots.
CREATE INDEX network_by_source_ip ON network_connections (source_ip);
CREATE INDEX network_by_destination ON network_connections (destination_ip, destination_port);
