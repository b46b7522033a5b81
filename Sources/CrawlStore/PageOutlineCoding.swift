internal import CrawlModel
internal import Foundation

/// A page's element tree (what the browser model matches selectors against) in the `pages`
/// table's `outline` column: JSON, nil for a page that has none.
enum PageOutlineCoding {
    static func encode(_ outline: DocumentOutline?) throws -> SQLiteStatement.Value {
        guard let outline else { return .null }
        return .blob(Array(try JSONEncoder().encode(outline)))
    }

    static func decode(_ row: SQLiteStatement.Row, column: Int32) throws -> DocumentOutline? {
        let bytes = row.blob(column)
        return bytes.isEmpty ? nil : try JSONDecoder().decode(DocumentOutline.self, from: Data(bytes))
    }
}
