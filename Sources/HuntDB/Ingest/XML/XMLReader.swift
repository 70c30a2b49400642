import Model

/// A minimal pull reader for the XML that Windows event exports contain.
struct XMLReader {
    enum Token {
        case start(name: Substring, attributes: [(name: Substring, value: String)], selfClosing: Bool)
        case end(name: Substring)
        case text([UInt8])
    }

    private let bytes: UnsafeRawBufferPointer
    private var i = 0
    private var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private func fail(_ message: String) -> XMLEventParser.Failure {
        XMLEventParser.Failure(message: "\(message) at byte \(i) of the event")
    }

    mutating func next() throws(XMLEventParser.Failure) -> Token? {
        while i < bytes.count {
            if bytes[i] != UInt8(ascii: "<") {
                return .text(try readText(until: UInt8(ascii: "<")))
            }
            if starts(with: "<!--") {
                guard let end = search("-->", from: i + 4) else { throw fail("unterminated comment") }
                i = end + 3
                continue
            }
            if starts(with: "<![CDATA[") {
                guard let end = search("]]>", from: i + 9) else { throw fail("unterminated CDATA section") }
                let text = Array(bytes[(i + 9)..<end])
                i = end + 3
                return .text(text)
            }
            if starts(with: "<!") {
                throw fail("DOCTYPE and markup declarations are not allowed (entities are never expanded)")
            }
            if starts(with: "<?") {
                guard let end = search("?>", from: i + 2) else { throw fail("unterminated processing instruction") }
                i = end + 2
                continue
            }
            if starts(with: "</") {
                i += 2
                let name = readName()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { throw fail("malformed end tag") }
                i += 1
                depth -= 1
                return .end(name: name)
            }
            return try readStartTag()
        }
        return nil
    }

    private mutating func readStartTag() throws(XMLEventParser.Failure) -> Token {
        i += 1
        let name = readName()
        guard !name.isEmpty else { throw fail("malformed start tag") }
        var attributes: [(name: Substring, value: String)] = []
        while true {
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated start tag <\(name)") }
            let c = bytes[i]
            if c == UInt8(ascii: ">") {
                i += 1
                depth += 1
                if depth > 64 { throw fail("elements nested deeper than 64 levels") }
                return .start(name: name, attributes: attributes, selfClosing: false)
            }
            if c == UInt8(ascii: "/") {
                guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") else { throw fail("malformed empty-element tag") }
                i += 2
                return .start(name: name, attributes: attributes, selfClosing: true)
            }
            let attributeName = readName()
            guard !attributeName.isEmpty else { throw fail("malformed attribute in <\(name)>") }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw fail("attribute \(attributeName) has no value") }
            i += 1
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw fail("attribute \(attributeName) value is not quoted")
            }
            let quote = bytes[i]
            i += 1
            let value = try readText(until: quote)
            guard i < bytes.count else { throw fail("unterminated attribute value") }
            i += 1
            // XML forbids it, and readers disagree on which value counts.
            if attributes.contains(where: { $0.name == attributeName }) { throw fail("attribute \(attributeName) repeated in <\(name)>") }
            attributes.append((attributeName, String(decoding: value, as: UTF8.self)))
        }
    }

    /// Reads text up to (not including) `stop`, decoding entity and character references.
    private mutating func readText(until stop: UInt8) throws(XMLEventParser.Failure) -> [UInt8] {
        var out: [UInt8] = []
        while i < bytes.count, bytes[i] != stop {
            let c = bytes[i]
            if c == UInt8(ascii: "&") {
                guard let semicolon = search(";", from: i + 1), semicolon - i <= 12 else { throw fail("unterminated entity reference") }
                let name = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
                i = semicolon + 1
                switch name {
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "amp": out.append(UInt8(ascii: "&"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    guard name.hasPrefix("#") else { throw fail("undefined entity &\(name); (only the predefined XML entities are read)") }
                    let digits = name.dropFirst()
                    let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                    guard let value, let scalar = Unicode.Scalar(value), value != 0 else { throw fail("invalid character reference &\(name);") }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                }
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    private mutating func readName() -> Substring {
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: ">") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=") { break }
            i += 1
        }
        return Substring(String(decoding: bytes[start..<i], as: UTF8.self))
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    private func starts(with prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        return UnsafeRawBufferPointer(rebasing: bytes[i..<i + n]).elementsEqual(UnsafeRawBufferPointer(start: prefix.utf8Start, count: n))
    }

    private func search(_ pattern: StaticString, from: Int) -> Int? {
        let n = pattern.utf8CodeUnitCount
        let p = UnsafeRawBufferPointer(start: pattern.utf8Start, count: n)
        var k = from
        while k + n <= bytes.count {
            if bytes[k] == p[0], UnsafeRawBufferPointer(rebasing: bytes[k..<k + n]).elementsEqual(p) { return k }
            k += 1
        }
        return nil
    }
}
