import XCTest
import HuntDB
@testable import Store

/// The packed record of a kept alert context reads back what was written, field for field, and
/// a cut record is refused instead of read past its end.
final class KeptContextRecordTests: XCTestCase {
    private enum Field: Equatable {
        case text(String?)
        case integer(Int64?)
    }

    private func randomFields(_ g: inout SeededRandom) -> [Field] {
        (0..<Int.random(in: 0...12, using: &g)).map { _ in
            switch Int.random(in: 0..<5, using: &g) {
            case 0: .text(nil)
            case 1: .integer(nil)
            case 2: .integer([Int64.min, -1, 0, 1, Int64.max, Int64.random(in: .min ... .max, using: &g)].randomElement(using: &g)!)
            default:
                // Lengths around the varint's byte boundaries, and texts beyond ASCII.
                .text(String((0..<[0, 1, 126, 127, 128, 300, 16_384].randomElement(using: &g)!).map { _ in
                    "aZ\\ é€🦀\"".randomElement(using: &g)!
                }))
            }
        }
    }

    private func write(_ fields: [Field]) -> [UInt8] {
        var w = KeptContextRecordWriter()
        for f in fields {
            switch f {
            case .text(let t): w.append(t)
            case .integer(let i): w.append(i)
            }
        }
        return w.bytes
    }

    private func read(_ bytes: [UInt8], as fields: [Field]) throws -> [Field] {
        try bytes.withUnsafeBytes { raw in
            var r = KeptContextRecordReader(raw)
            return try fields.map { f in
                switch f {
                case .text:
                    switch try r.textValue() {
                    case .text(let t): .text(t)
                    default: .text(nil)
                    }
                case .integer: .integer(try r.integer())
                }
            }
        }
    }

    func testRecord_readsBackWhatWasWritten() throws {
        var g = SeededRandom(seed: 17)
        for _ in 0..<80 {
            let fields = randomFields(&g)
            XCTAssertEqual(try read(write(fields), as: fields), fields)
            // Comparing in place agrees with reading.
            let bytes = write(fields)
            try bytes.withUnsafeBytes { raw in
                var r = KeptContextRecordReader(raw)
                for f in fields {
                    switch f {
                    case .text(let t):
                        XCTAssertTrue(try r.nextText(is: t))
                    case .integer(let i):
                        XCTAssertEqual(try r.integer(), i)
                    }
                }
            }
        }
        let one = write([.text("10.0.0.5")])
        try one.withUnsafeBytes { raw in
            for other in [nil, "10.0.0.6", "10.0.0.55", "10.0.0."] as [String?] {
                var r = KeptContextRecordReader(raw)
                XCTAssertFalse(try r.nextText(is: other), "\(other ?? "nil")")
            }
        }
    }

    func testCutRecord_throws() throws {
        var g = SeededRandom(seed: 23)
        for _ in 0..<60 {
            let fields = randomFields(&g).filter { $0 != .text(nil) && $0 != .integer(nil) && $0 != .text("") }
            guard !fields.isEmpty else { continue }
            let bytes = write(fields)
            let cut = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &g)))
            XCTAssertThrowsError(try read(cut, as: fields), "\(bytes.count) bytes cut to \(cut.count)")
        }
    }
}
