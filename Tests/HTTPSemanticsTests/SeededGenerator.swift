/// A seeded SplitMix64 generator: property tests draw the same cases on every run, and a
/// failure names the seed and the case, so it can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One of `choices`.
    mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &self)] }

    /// A string of `length` characters drawn from `alphabet`.
    mutating func string(_ alphabet: String, length: ClosedRange<Int>) -> String {
        let characters = Array(alphabet)
        return String((0..<Int.random(in: length, using: &self)).map { _ in pick(characters) })
    }
}

/// How many cases each property draws: enough to cover every branch, cheap enough for every run.
let propertyCases = 2000
