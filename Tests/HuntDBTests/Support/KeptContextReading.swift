import HuntDB
@testable import Store

/// The kept-context readers' answers as contexts (rule runs have them written into the alert's
/// row), for comparing with a fresh look-up.
extension StoredConnectionContexts {
    func next(_ r: RemoteServiceContextRequest, query: RemoteServiceContextQuery) throws -> RemoteServiceContext? {
        var row = RemoteServiceContext.nullRow
        return try next(r, query: query, into: &row, at: 0) ? RemoteServiceContext(row: row, at: 0) : nil
    }
}

extension StoredChildContexts {
    func next(_ r: RemoteServiceContextRequest, query: RemoteServiceContextQuery) throws -> RemoteServiceContext? {
        var row = RemoteServiceContext.nullRow
        return try next(r, query: query, into: &row, at: 0) ? RemoteServiceContext(row: row, at: 0) : nil
    }
}

extension RemoteServiceContextQuery {
    func keptContext(of request: RemoteServiceContextRequest) throws -> RemoteServiceContext? {
        var row = RemoteServiceContext.nullRow
        return try keptContext(of: request, into: &row, at: 0) ? RemoteServiceContext(row: row, at: 0) : nil
    }
}
