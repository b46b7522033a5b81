public import Foundation

extension ReportSnapshot {
    /// Reads the JSON report at `path` streaming (``JSONObjectStream``): one page or resource at a
    /// time, never the whole file or its document tree, so the baseline of a million URLs costs a
    /// few numbers per URL. The pages' requisite lists are not kept (the comparison does not
    /// read them). The same checks and messages as ``decode(_:)``.
    public static func read(contentsOf path: String) throws(BudgetError) -> ReportSnapshot {
        let decoder = JSONDecoder()
        var pages: [Page] = [], resources: [Resource] = []
        do {
            let rest = try JSONObjectStream.read(path, streaming: ["pages", "resources"]) { key, bytes in
                do {
                    if key == "pages" {
                        var page = try decoder.decode(Page.self, from: Data(bytes))
                        page.requisites = []
                        pages.append(page)
                    } else {
                        resources.append(try decoder.decode(Resource.self, from: Data(bytes)))
                    }
                } catch {
                    throw Self.failure(error, at: key + "[\(key == "pages" ? pages.count : resources.count)]")
                }
            }
            var snapshot = try decode(Data(rest))
            snapshot.pages = pages
            snapshot.resources = resources
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
            BudgetError(line: nil, message: "not an assetcrawl JSON report: \(prefix).\(path(context.codingPath + [key])) is missing")
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            BudgetError(line: nil, message: "not an assetcrawl JSON report: \(prefix)\(context.codingPath.isEmpty ? "" : ".")\(path(context.codingPath)) has the wrong type")
        default:
            BudgetError(line: nil, message: "not JSON: \(prefix): \(error.localizedDescription)")
        }
    }
}
