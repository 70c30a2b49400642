import Foundation
import Model

/// A small, fast, seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// The corpus generator draws every random choice from one of these, so the same seed gives the
/// same corpus, byte for byte, on every platform and Swift version (unlike `SystemRandomNumberGenerator`
/// or the standard library's unspecified algorithms for `Int.random(in:using:)`, which we avoid).
///
/// ```swift
/// var random = SeededRandom(seed: 42)
/// let port = random.int(in: 49152...65535)
/// ```
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = SeededRandom.splitMix(&mixer)
        s1 = SeededRandom.splitMix(&mixer)
        s2 = SeededRandom.splitMix(&mixer)
        s3 = SeededRandom.splitMix(&mixer)
    }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    /// A uniform integer in `range` (Lemire's multiply-shift; the tiny bias is irrelevant here).
    @inline(__always)
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        if width == 0 { return Int(truncatingIfNeeded: next()) }
        return range.lowerBound + Int(next().multipliedFullWidth(by: width).high)
    }

    /// A uniform integer in `0..<count`.
    @inline(__always)
    public mutating func index(_ count: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// A uniform double in `[0, 1)`.
    @inline(__always)
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `p`.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A uniformly chosen element of a non-empty array.
    @inline(__always)
    public mutating func pick<T>(_ items: [T]) -> T {
        items[index(items.count)]
    }

    /// An exponentially distributed value with the given mean (for gaps between events).
    public mutating func exponential(mean: Double) -> Double {
        -mean * log1p(-unit())
    }

    /// One step of SplitMix64: also a good bijective mixer of a 64-bit value.
    @inline(__always)
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// SplitMix64's finalizer: a bijection on `UInt64` that scrambles its bits.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
