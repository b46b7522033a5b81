public import Audit
public import Foundation

extension ReportSnapshot {
    /// Reads the JSON report at `path` streaming (``JSONObjectStream``): one page or resource at a
    /// time, never the whole file or its document tree, so the baseline of a million URLs costs a
    /// few numbers per URL. Each element is decoded as ``JSONReport/Page`` or
    /// ``JSONReport/Resource``, the rest as ``JSONReport/decode(_:)`` does, with its checks and messages.
    public static func read(contentsOf path: String) throws(BudgetError) -> ReportSnapshot {
        let decoder = JSONDecoder()
        var snapshot = ReportSnapshot()
        var pages = 0, resources = 0
        do {
            let rest = try JSONObjectStream.read(path, streaming: ["pages", "resources"]) { key, bytes in
                do {
                    if key == "pages" {
                        snapshot.add(try decoder.decode(JSONReport.Page.self, from: Data(bytes)))
                        pages += 1
                    } else {
                        snapshot.add(try decoder.decode(JSONReport.Resource.self, from: Data(bytes)))
                        resources += 1
                    }
                } catch {
                    throw Self.failure(error, at: key + "[\(key == "pages" ? pages : resources)]")
                }
            }
            _ = try JSONReport.decode(Data(rest))
            return snapshot
        } catch let error as BudgetError {
            throw error
        } catch let error as JSONObjectStream.Failure {
            throw BudgetError(line: nil, message: error.message)
        } catch {
            throw BudgetError(line: nil, message: "not JSON: \(error.localizedDescription)")
        }
    }

    /// An element's decoding error as ``decode(_:)`` words it, its path starting at `prefix`.
    private static func failure(_ error: any Error, at prefix: String) -> BudgetError {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            BudgetError(line: nil, message: "not an assetcrawl JSON report: \(prefix).\(JSONReport.path(context.codingPath + [key])) is missing")
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            BudgetError(line: nil, message: "not an assetcrawl JSON report: \(prefix)\(context.codingPath.isEmpty ? "" : ".")\(JSONReport.path(context.codingPath)) has the wrong type")
        default:
            BudgetError(line: nil, message: "not JSON: \(prefix): \(error.localizedDescription)")
        }
    }
}
