internal import CrawlModel
internal import Foundation

/// A page's element tree (what the browser model matches selectors against) in the `pages`
/// table's `outline` column, in ``RecordWriter``'s binary form (JSONEncoder cost a store more
/// than every other record of a page together); nil for a page that has none. Stores written
/// before hold JSON there (it starts with `{`), still read.
enum PageOutlineCoding {
    static func encode(_ outline: DocumentOutline?) -> SQLiteStatement.Value {
        bytes(outline).map(SQLiteStatement.Value.blob) ?? .null
    }

    static func decode(_ row: SQLiteStatement.Row, column: Int32) throws -> DocumentOutline? {
        try outline(row.blob(column))
    }

    static func bytes(_ outline: DocumentOutline?) -> [UInt8]? {
        guard let outline else { return nil }
        var w = RecordWriter(capacity: 64 + 48 * outline.elements.count)
        w.array(outline.elements) { w, e in
            w.string(e.name)
            w.optional(e.id) { $0.string($1) }
            w.array(e.classes) { $0.string($1) }
            w.array(e.attributes) { $0.string($1) }
            w.int(e.parent)
            w.int(e.previousSibling)
            w.bool(e.hasText)
        }
        return w.bytes
    }

    /// Nil for no bytes (a page without an outline).
    static func outline(_ bytes: [UInt8]) throws -> DocumentOutline? {
        guard let first = bytes.first else { return nil }
        if first == UInt8(ascii: "{") { return try JSONDecoder().decode(DocumentOutline.self, from: Data(bytes)) }
        var r = try RecordReader(bytes)
        let elements = try r.array { r in
            OutlineElement(name: try r.string(), id: try r.optional { try $0.string() }, classes: try r.array { try $0.string() },
                           attributes: try r.array { try $0.string() }, parent: try r.int(), previousSibling: try r.int(), hasText: try r.bool())
        }
        guard r.isAtEnd else { throw StoreError(.notAStore, "a stored page outline has bytes past its end") }
        return DocumentOutline(elements: elements)
    }
}
