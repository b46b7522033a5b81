public import ArgumentParser
internal import Foundation
internal import Logging

/// `assetcrawl`: the root command.
public struct AssetCrawlCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "assetcrawl",
        abstract: "Crawl a site, fetch every asset its pages need, and audit how they revalidate.",
        version: version,
        subcommands: [CrawlCommand.self, WorkerCommand.self, ReportCommand.self, ServeCommand.self, DiffCommand.self]
    )

    public init() {}

    /// Runs the command line and exits: 0 done, 1 a check failed, 2 the run could not happen
    /// (bad flags, bad input, unreachable start URL), 130 interrupted.
    public static func runMain(arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        // Logs go to stderr; stdout is for the report.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await Invocation.$arguments.withValue(arguments) { try await asyncCommand.run() }
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("assetcrawl: \(error.message)\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            // Argument errors (EX_USAGE) are "could not run": exit 2 as documented, in one line
            // and a hint, not ArgumentParser's error, usage and hint.
            if code == .validationFailure || code.rawValue == 64 {
                FileHandle.standardError.write(Data(usageMessage(for: error).utf8))
                Foundation.exit(2)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code.rawValue)
        }
    }

    /// `assetcrawl: MESSAGE` and the line that says where the help is.
    static func usageMessage(for error: any Error) -> String {
        let hint = fullMessage(for: error).split(separator: "\n").last { $0.contains("--help") }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "See 'assetcrawl --help'."
        return "assetcrawl: \(message(for: error))\n\(hint)\n"
    }
}

/// The command line being run, which a crawl records in its store so `--resume` continues
/// it with the same options.
enum Invocation {
    @TaskLocal static var arguments: [String] = []
}

/// A problem with the user's input: one line that says what is wrong and what to do; exit 2.
struct UsageError: Error {
    var message: String
}
