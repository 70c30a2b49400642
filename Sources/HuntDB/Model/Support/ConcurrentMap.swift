import Dispatch

extension Array {
    /// `map` spread over the machine's cores, results in order: for independent, CPU-bound work
    /// per element (reading and compiling a thousand rule files). The first error in element
    /// order is rethrown.
    public func concurrentMap<T>(_ transform: (Element) throws -> T) throws -> [T] {
        if count < 2 { return try map(transform) }
        var results = [Result<T, Error>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots[index] = Result { try transform(self[index]) }
            }
        }
        return try results.map { try $0!.get() }
    }
}
