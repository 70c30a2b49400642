extension ClickHouseStore {
    /// Another store on the same server with its own connections, so that rules run side by
    /// side (`hunt detect --threads`): on ClickHouse a rule's time is mostly the server's and
    /// the round trip, so two rules at once halve a Sigma run's wall time on two cores.
    public func openParallelReader() throws -> (any EventStore)? {
        try ClickHouseStore(endpoint: endpoint, access: access == .readWrite ? .readOnly : access)
    }
}
