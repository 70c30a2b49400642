import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 keep-alive connection to a ClickHouse server over a blocking socket: a POST
/// goes out with `Content-Length`, and the answer is read with `Content-Length`, chunked, or up
/// to the close.
///
/// It replaces Foundation's URLSession, which on Linux spent more CPU in its dispatch machinery
/// than the load's own encoding (measured: 28 % of a load's CPU). It also lets an answer be
/// read as it arrives (`ClickHouseResponse.read`).
final class ClickHouseHTTPConnection {
    /// Why a request did not get an answer, in words without the URL.
    struct Failure: Error {
        var reason: String
        /// Whether it came before any byte of the answer (the request may be sent again on a new connection).
        var beforeAnswer = false
    }

    private let host: String
    private let port: Int
    private var socket: Int32 = -1
    /// Bytes read from the socket and not yet handed out.
    private var buffer: [UInt8] = []
    private var start = 0
    /// Whether the server may close the connection after this answer.
    private var closesAfterAnswer = false

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    deinit { close() }

    func close() {
        if socket >= 0 { Glibc.close(socket) }
        socket = -1
        buffer.removeAll(keepingCapacity: true)
        start = 0
    }

    /// Sends one POST and reads the status line and headers; the body is read with `response`.
    /// - Throws: `Failure` when the server cannot be reached or the connection breaks.
    func send(target: String, headers: [(String, String)], body: [Data]) throws -> ClickHouseResponse {
        let reused = socket >= 0
        let response: ClickHouseResponse
        do {
            response = try sendOnce(target: target, headers: headers, body: body)
        } catch let failure as Failure where reused && failure.beforeAnswer {
            // A kept connection the server closed meanwhile: it read nothing of this request.
            return try sendOnce(target: target, headers: headers, body: body)
        }
        if reused, response.status == 400 {
            // Rarely (seen once in a run of 1,200 Sigma rules) a kept connection got "400 Bad
            // Request" from the server's HTTP layer, which runs nothing: ask once more on a new one.
            response.cancel()
            close()
            return try sendOnce(target: target, headers: headers, body: body)
        }
        return response
    }

    private func sendOnce(target: String, headers: [(String, String)], body: [Data]) throws -> ClickHouseResponse {
        try connectIfNeeded()
        let length = body.reduce(0) { $0 + $1.count }
        var head = "POST \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(length)\r\nConnection: keep-alive\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        do {
            try write(Data(head.utf8))
            for part in body { try write(part) }
            return try readHead()
        } catch {
            close()
            throw error
        }
    }

    // MARK: Connecting

    private func connectIfNeeded() throws {
        if socket >= 0, !isStale() { return }
        close()
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let found = getaddrinfo(host, String(port), &hints, &list)
        guard found == 0, let first = list else { throw Failure(reason: "unknown host") }
        defer { freeaddrinfo(list) }
        var lastError = ECONNREFUSED
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    // A query may run for long; an hour without a byte is a dead server.
                    var timeout = timeval(tv_sec: 3600, tv_usec: 0)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                    socket = fd
                    return
                }
                lastError = errno
                Glibc.close(fd)
            }
            entry = info.pointee.ai_next
        }
        throw Failure(reason: lastError == ECONNREFUSED ? "connection refused" : String(cString: strerror(lastError)))
    }

    /// Whether a kept connection was closed by the server meanwhile (its idle timeout): it
    /// is then readable (end of stream) before anything was sent.
    private func isStale() -> Bool {
        if closesAfterAnswer { return true }
        var poll = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&poll, 1, 0) != 0
    }

    // MARK: Writing and reading

    private func write(_ data: Data) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let sent = Glibc.send(socket, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0 {
                    if errno == EINTR { continue }
                    throw Failure(reason: errno == EAGAIN ? "timed out" : "the connection was lost", beforeAnswer: true)
                }
                offset += sent
            }
        }
    }

    /// Reads more bytes into the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 20 {
            buffer.removeFirst(start)
            start = 0
        }
        let chunk = 1 << 16
        let old = buffer.count
        buffer.reserveCapacity(old + chunk)
        var received = 0
        while true {
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            received = buffer.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress! + old, chunk, 0) }
            buffer.removeLast(chunk - max(received, 0))
            if received < 0, errno == EINTR { continue }
            break
        }
        if received < 0 { throw Failure(reason: errno == EAGAIN ? "timed out" : "the connection was lost") }
        return received > 0
    }

    /// One line ending in CRLF, without it.
    private func readLine() throws -> String {
        while true {
            if let end = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = buffer[start..<end]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                start = end + 1
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { throw Failure(reason: "the connection was lost") }
        }
    }

    private func readHead() throws -> ClickHouseResponse {
        if start == buffer.count {
            let more: Bool
            do { more = try fill() } catch var failure as Failure { failure.beforeAnswer = true; throw failure }
            guard more else { throw Failure(reason: "the connection was lost", beforeAnswer: true) }
        }
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw Failure(reason: "the server sent no HTTP response")
        }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        closesAfterAnswer = headers["connection"]?.lowercased() == "close"
        let framing: ClickHouseResponse.Framing
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            framing = .chunked(remaining: 0, finished: false)
        } else if let length = headers["content-length"].flatMap(Int.init) {
            framing = .length(remaining: length)
        } else {
            framing = .untilClose
            closesAfterAnswer = true
        }
        return ClickHouseResponse(status: status, connection: self, framing: framing)
    }

    /// Up to `limit` bytes of the body, nil at its end.
    fileprivate func readBody(_ framing: inout ClickHouseResponse.Framing, limit: Int) throws -> ArraySlice<UInt8>? {
        switch framing {
        case .length(let remaining):
            guard remaining > 0 else { return nil }
            if start == buffer.count, try !fill() { throw Failure(reason: "the connection was lost") }
            let take = min(remaining, buffer.count - start, limit)
            defer { start += take }
            framing = .length(remaining: remaining - take)
            return buffer[start..<start + take]
        case .untilClose:
            if start == buffer.count, try !fill() { return nil }
            let take = min(buffer.count - start, limit)
            defer { start += take }
            return buffer[start..<start + take]
        case .chunked(var remaining, let finished):
            if finished { return nil }
            if remaining == 0 {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                    throw Failure(reason: "the server sent a malformed chunk")
                }
                if size == 0 {
                    // Trailers end with an empty line.
                    while try !readLine().isEmpty {}
                    framing = .chunked(remaining: 0, finished: true)
                    return nil
                }
                remaining = size
            }
            if start == buffer.count, try !fill() { throw Failure(reason: "the connection was lost") }
            let take = min(remaining, buffer.count - start, limit)
            let slice = buffer[start..<start + take]
            start += take
            remaining -= take
            if remaining == 0 { _ = try readLine() }
            framing = .chunked(remaining: remaining, finished: false)
            return slice
        }
    }

    /// Closes the connection when an answer was not read to its end (its rest would be read as the next answer).
    fileprivate func abandon() { close() }
}

/// The answer to one request: its status, then its body read piece by piece as it arrives.
final class ClickHouseResponse {
    enum Framing {
        case length(remaining: Int)
        case chunked(remaining: Int, finished: Bool)
        case untilClose
    }

    let status: Int
    private let connection: ClickHouseHTTPConnection
    private var framing: Framing
    private var finished = false

    fileprivate init(status: Int, connection: ClickHouseHTTPConnection, framing: Framing) {
        self.status = status
        self.connection = connection
        self.framing = framing
    }

    /// The next piece of the body (at most `limit` bytes), nil at its end.
    func read(limit: Int = 1 << 16) throws -> ArraySlice<UInt8>? {
        guard !finished else { return nil }
        guard let piece = try connection.readBody(&framing, limit: limit) else {
            finished = true
            if case .untilClose = framing { connection.close() }
            return nil
        }
        return piece
    }

    /// The whole body.
    func readAll() throws -> Data {
        var data = Data()
        while let piece = try read(limit: 1 << 20) { data.append(contentsOf: piece) }
        return data
    }

    /// Stops reading: the rest of the body is dropped with the connection.
    func cancel() {
        if !finished { connection.abandon() }
        finished = true
    }
}
