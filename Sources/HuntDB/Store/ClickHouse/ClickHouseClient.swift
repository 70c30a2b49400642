import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Model

/// One ClickHouse server spoken to over its HTTP interface: each call is one POST whose body
/// is multipart (the query, then any external tables) or the data of an INSERT.
///
/// Credentials travel in the `X-ClickHouse-User` / `X-ClickHouse-Key` headers, never in the
/// URL, so no message can show them. Failures become `StoreError`s that keep the server's code.
final class ClickHouseClient: @unchecked Sendable {
    let endpoint: ClickHouseEndpoint
    private let session: URLSession
    /// Settings sent with every request (`readonly=1` for analysts).
    var settings: [String: String] = [:]
    /// Whether requests name the endpoint's database (false until it exists).
    var usesDatabase = true

    init(endpoint: ClickHouseEndpoint) {
        self.endpoint = endpoint
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 3600
        configuration.timeoutIntervalForResource = 24 * 3600
        configuration.httpMaximumConnectionsPerHost = 2
        session = URLSession(configuration: configuration, delegate: ClickHouseSessionDelegate(), delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Runs a statement and returns the response body (rows in the format the SQL names).
    @discardableResult
    func execute(_ sql: String, tables: [ClickHouseExternalTable] = [], urlParameters: [String: String] = [:],
                 purpose: String) throws -> Data {
        var form = ClickHouseMultipart()
        form.add(name: "query", data: Data(sql.utf8), isFile: false)
        var parameters = urlParameters
        for table in tables {
            form.add(name: table.name, data: table.data)
            parameters["\(table.name)_structure"] = table.structure
            parameters["\(table.name)_format"] = "TabSeparated"
        }
        return try post(body: form.finished, contentType: form.contentType, parameters: parameters, purpose: purpose)
    }

    /// Runs `INSERT … FORMAT x` with `data` as the rows.
    func insert(_ sql: String, data: Data, purpose: String) throws {
        try post(body: data, contentType: "application/octet-stream", parameters: ["query": sql], purpose: purpose)
    }

    /// Runs a query and parses its rows (the SQL must not name a format; TSV with names and types is added).
    func select(_ sql: String, tables: [ClickHouseExternalTable] = [], urlParameters: [String: String] = [:],
                purpose: String) throws -> ClickHouseRows {
        let data = try execute(sql + "\nFORMAT TabSeparatedWithNamesAndTypes", tables: tables, urlParameters: urlParameters,
                               purpose: purpose)
        return try ClickHouseRows(tsv: data, purpose: purpose)
    }

    @discardableResult
    private func post(body: Data, contentType: String, parameters: [String: String], purpose: String) throws -> Data {
        var components = URLComponents()
        components.scheme = "http"
        components.host = endpoint.host
        components.port = endpoint.port
        components.path = "/"
        var items = parameters.merging(settings) { a, _ in a }
        if usesDatabase { items["database"] = endpoint.database }
        components.queryItems = items.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        // `+` is a space in a form query: escape it so that values keep it.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else {
            throw StoreError.cannotOpen(path: endpoint.description, reason: "the host name cannot form a URL")
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if let user = endpoint.user { request.setValue(user, forHTTPHeaderField: "X-ClickHouse-User") }
        if let password = endpoint.password { request.setValue(password, forHTTPHeaderField: "X-ClickHouse-Key") }

        let (data, response, error) = roundTrip(request)
        if let error = error as? URLError, error.code == .userCancelledAuthentication || error.code == .cancelled {
            // The server answered 401: the challenge is refused at once (`ClickHouseSessionDelegate`).
            throw ClickHouseServerError(code: 516, message: "authentication failed").storeError(at: endpoint, purpose: purpose)
        }
        if let error {
            throw StoreError.cannotOpen(path: endpoint.description,
                                        reason: "the server does not answer (\(Self.describe(error)))")
        }
        guard let http = response as? HTTPURLResponse else {
            throw StoreError.cannotOpen(path: endpoint.description, reason: "the server sent no HTTP response")
        }
        guard http.statusCode == 200 else {
            throw ClickHouseServerError(status: http.statusCode, body: data ?? Data()).storeError(at: endpoint, purpose: purpose)
        }
        return data ?? Data()
    }

    private func roundTrip(_ request: URLRequest) -> (Data?, URLResponse?, Error?) {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        let task = session.dataTask(with: request) { data, response, error in
            result = (data, response, error)
            done.signal()
        }
        task.resume()
        done.wait()
        return result
    }

    /// A network error in words, without the URL.
    private static func describe(_ error: Error) -> String {
        guard let error = error as? URLError else { return "\(type(of: error))" }
        switch error.code {
        case .cannotConnectToHost: return "connection refused"
        case .cannotFindHost, .dnsLookupFailed: return "unknown host"
        case .timedOut: return "timed out"
        case .networkConnectionLost: return "the connection was lost"
        default: return "network error \(error.code.rawValue)"
        }
    }
}

/// Refuses HTTP authentication challenges: ClickHouse answers a wrong user or password with
/// 401, and the credentials were already sent in headers (default handling would wait).
final class ClickHouseSessionDelegate: NSObject, URLSessionTaskDelegate {
    func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        completionHandler(.cancelAuthenticationChallenge, nil)
    }
}

/// The body of a multipart/form-data request.
struct ClickHouseMultipart {
    let boundary = "huntdb-" + UUID().uuidString
    private(set) var body = Data()

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a part; `isFile` parts are external tables (the server reads them as data).
    mutating func add(name: String, data: Data, isFile: Bool = true) {
        let filename = isFile ? "; filename=\"\(name)\"" : ""
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename)\r\n".utf8))
        body.append(Data("Content-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(data)
        body.append(Data("\r\n".utf8))
    }

    var finished: Data { body + Data("--\(boundary)--\r\n".utf8) }
}
