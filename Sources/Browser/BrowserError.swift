/// A failure of the browser pass, with a code to branch on and a message for people.
public struct BrowserError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// No `chromium` on PATH.
        case chromiumMissing
        /// Chromium did not start or printed no DevTools address.
        case launch
        /// The DevTools WebSocket could not be opened or closed under us.
        case connection
        /// A DevTools command answered with an error.
        case command
        /// A DevTools command got no answer in time.
        case timeout
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The error for a machine without Chromium, naming the package to install.
    public static let missing = BrowserError(
        .chromiumMissing, "--browser needs headless Chromium, and no chromium is on PATH: install it with apt-get install chromium")
}
