import Foundation
import Model

/// One ClickHouse server spoken to over its HTTP interface: each call is one POST whose body
/// is multipart (the query, then any external tables) or the data of an INSERT, on a kept
/// connection (`ClickHouseHTTPConnection`). A request made while another one's answer is
/// still being read (an alert's context looked up while the rule's rows stream) takes another
/// connection.
///
/// Credentials travel in the `X-ClickHouse-User` / `X-ClickHouse-Key` headers, never in the
/// URL, so no message can show them. Failures become `StoreError`s that keep the server's code.
final class ClickHouseClient: @unchecked Sendable {
    let endpoint: ClickHouseEndpoint
    /// Connections not in use, kept for the next requests.
    private var idle: [ClickHouseHTTPConnection] = []
    private let lock = NSLock()
    /// Settings sent with every request (`readonly=1` for analysts).
    var settings: [String: String] = [:]
    /// Whether requests name the endpoint's database (false until it exists).
    var usesDatabase = true

    init(endpoint: ClickHouseEndpoint) {
        self.endpoint = endpoint
    }

    private func checkOut() -> ClickHouseHTTPConnection {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast() ?? ClickHouseHTTPConnection(host: endpoint.host, port: endpoint.port)
    }

    private func checkIn(_ connection: ClickHouseHTTPConnection) {
        lock.lock()
        defer { lock.unlock() }
        if idle.count < 4 { idle.append(connection) }
    }

    /// Runs a statement and returns the response body (rows in the format the SQL names).
    @discardableResult
    func execute(_ sql: String, tables: [ClickHouseExternalTable] = [], urlParameters: [String: String] = [:],
                 purpose: String) throws -> Data {
        try withResponse(sql, tables: tables, urlParameters: urlParameters, purpose: purpose) { try $0.readAll() }
    }

    /// Runs a statement and hands its answer to `body` to read as it arrives (the connection is
    /// held meanwhile). An answer not read to its end closes the connection.
    func withResponse<T>(_ sql: String, tables: [ClickHouseExternalTable] = [], urlParameters: [String: String] = [:],
                         purpose: String, _ body: (ClickHouseResponse) throws -> T) throws -> T {
        var form = ClickHouseMultipart()
        form.add(name: "query", data: Data(sql.utf8), isFile: false)
        for table in tables {
            // The structure goes in the form before its table (the server reads fields in order):
            // in the URL, a table of hundreds of values would pass the server's URL length limit.
            form.add(name: "\(table.name)_structure", data: Data(table.structure.utf8), isFile: false)
            form.add(name: "\(table.name)_format", data: Data("TabSeparated".utf8), isFile: false)
            form.add(name: table.name, data: table.data)
        }
        return try post(body: form.finished, contentType: form.contentType, parameters: urlParameters, purpose: purpose, body)
    }

    /// Runs `INSERT … FORMAT x` with `data` as the rows.
    func insert(_ sql: String, data: Data, purpose: String) throws {
        _ = try post(body: [data], contentType: "application/octet-stream", parameters: ["query": sql], purpose: purpose) { try $0.readAll() }
    }

    /// Runs a query and parses its rows (the SQL must not name a format; TSV with names and types is added).
    func select(_ sql: String, tables: [ClickHouseExternalTable] = [], urlParameters: [String: String] = [:],
                purpose: String) throws -> ClickHouseRows {
        let data = try execute(sql + "\nFORMAT TabSeparatedWithNamesAndTypes", tables: tables, urlParameters: urlParameters,
                               purpose: purpose)
        return try ClickHouseRows(tsv: data, purpose: purpose)
    }

    private func post<T>(body: [Data], contentType: String, parameters: [String: String], purpose: String,
                         _ read: (ClickHouseResponse) throws -> T) throws -> T {
        var components = URLComponents()
        var items = parameters.merging(settings) { a, _ in a }
        if usesDatabase { items["database"] = endpoint.database }
        components.queryItems = items.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        // `+` is a space in a form query: escape it so that values keep it.
        let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        var headers = [("Content-Type", contentType)]
        if let user = endpoint.user { headers.append(("X-ClickHouse-User", Self.headerValue(user))) }
        if let password = endpoint.password { headers.append(("X-ClickHouse-Key", Self.headerValue(password))) }

        let connection = checkOut()
        defer { checkIn(connection) }
        let response: ClickHouseResponse
        do {
            response = try connection.send(target: "/?" + query, headers: headers, body: body)
        } catch let failure as ClickHouseHTTPConnection.Failure {
            throw StoreError.cannotOpen(path: endpoint.description, reason: "the server does not answer (\(failure.reason))")
        }
        guard response.status == 200 else {
            let text: Data
            do { text = try response.readAll() } catch { text = Data() }
            // The server may close the connection after an error without saying so.
            response.cancel()
            connection.close()
            if response.status == 401 || response.status == 403, !text.starts(with: Data("Code: ".utf8)) {
                throw ClickHouseServerError(code: 516, message: "authentication failed").storeError(at: endpoint, purpose: purpose)
            }
            throw ClickHouseServerError(status: response.status, body: text).storeError(at: endpoint, purpose: purpose)
        }
        do {
            let result = try read(response)
            response.cancel()
            return result
        } catch let failure as ClickHouseHTTPConnection.Failure {
            response.cancel()
            throw StoreError.cannotOpen(path: endpoint.description, reason: "the server stopped answering (\(failure.reason))")
        } catch {
            response.cancel()
            throw error
        }
    }

    /// A header value without line breaks (a credential cannot add headers).
    private static func headerValue(_ text: String) -> String {
        text.filter { $0 != "\r" && $0 != "\n" }
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

    /// The parts to send: the body so far and the closing boundary.
    var finished: [Data] { [body, Data("--\(boundary)--\r\n".utf8)] }
}
