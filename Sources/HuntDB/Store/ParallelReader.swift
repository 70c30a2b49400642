extension EventStore {
    /// A store that cannot open a second connection runs its rules on one thread.
    public func openParallelReader() throws -> (any EventStore)? { nil }
}
