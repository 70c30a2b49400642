import Foundation

/// Wall-clock time in the store's unit, microseconds since 1970 UTC.
package enum Clock {
    package static func nowMicros() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
    }
}
