/// The screen the browser model assumes: CSS pixel width and height and the device pixel ratio.
///
/// ```swift
/// let phone = try Viewport(parsing: "375x812@2")
/// ```
public struct Viewport: Sendable, Hashable, CustomStringConvertible {
    public var width: Double
    public var height: Double
    public var devicePixelRatio: Double

    /// A desktop window, as `chromium --window-size=1280,800` at DPR 1.
    public static let desktop = Viewport(width: 1280, height: 800, devicePixelRatio: 1)

    public init(width: Double, height: Double, devicePixelRatio: Double = 1) {
        self.width = width
        self.height = height
        self.devicePixelRatio = devicePixelRatio
    }

    /// A bad `--viewport` value, with what to type instead.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var value: String
        public var description: String {
            "--viewport \"\(value)\" is not WIDTHxHEIGHT[@DPR]: type e.g. --viewport 1280x800@1 or --viewport 375x812@2 "
                + "(CSS pixels, a device pixel ratio from 0.5 to 8)"
        }
    }

    /// Parses `WIDTHxHEIGHT` or `WIDTHxHEIGHT@DPR` (`1280x800@1`, `375x812@2`, `412x915@2.625`).
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: [" "])
        let parts = trimmed.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let size = parts[0].lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let w = Int(size[0]), let h = Int(size[1]), (1...100_000).contains(w), (1...100_000).contains(h)
        else { throw ParseError(value: text) }
        var dpr = 1.0
        if parts.count == 2 {
            guard let d = Double(parts[1].hasSuffix("x") ? String(parts[1].dropLast()) : String(parts[1])),
                  d >= 0.5, d <= 8 else { throw ParseError(value: text) }
            dpr = d
        }
        self.init(width: Double(w), height: Double(h), devicePixelRatio: dpr)
    }

    /// `1280x800@1`.
    public var description: String {
        let dpr = devicePixelRatio == devicePixelRatio.rounded() ? String(Int(devicePixelRatio)) : String(devicePixelRatio)
        return "\(Int(width))x\(Int(height))@\(dpr)"
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
