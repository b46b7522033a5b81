package import CrawlModel
internal import Foundation

/// The store's record formats for other stores of this package (PostgreSQL keeps the same
/// bytes as SQLite, so a crawl moves between them without re-encoding rules of its own).
package enum StoreRecords {
    package static func encode(_ resource: FetchedResource) -> [UInt8] { RecordWriter.encode(resource) }
    package static func encode(_ references: [Reference]) -> [UInt8] { RecordWriter.encode(references) }
    package static func resource(_ bytes: [UInt8]) throws -> FetchedResource { try RecordReader.resource(bytes) }
    package static func references(_ bytes: [UInt8]) throws -> [Reference] { try RecordReader.references(bytes) }

    /// A page's element tree as the `pages.outline` column holds it (``PageOutlineCoding``); nil for none.
    package static func encode(_ outline: DocumentOutline?) throws -> [UInt8]? { PageOutlineCoding.bytes(outline) }

    package static func outline(_ bytes: [UInt8]?) throws -> DocumentOutline? { try PageOutlineCoding.outline(bytes ?? []) }
}
