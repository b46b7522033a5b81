internal import CrawlModel

/// The store's records in ``RecordWriter``'s binary form, fields in declaration order.
extension RecordWriter {
    static func encode(_ resource: FetchedResource) -> [UInt8] {
        var w = RecordWriter()
        w.resource(resource)
        return w.bytes
    }

    static func encode(_ references: [Reference]) -> [UInt8] {
        var w = RecordWriter(capacity: 64 + 96 * references.count)
        w.array(references) { $0.reference($1) }
        return w.bytes
    }

    mutating func resource(_ r: FetchedResource) {
        string(r.url)
        string(r.kind.rawValue)
        array(r.redirects) { $0.exchange($1) }
        exchange(r.exchange)
        optional(r.revalidation) { w, v in
            w.optional(v.ifNoneMatch) { $0.probe($1) }
            w.optional(v.ifModifiedSince) { $0.probe($1) }
        }
        optional(r.bodyDigest) { $0.fixed64($1) }
    }

    mutating func probe(_ p: Probe) {
        exchange(p.exchange)
        string(p.verdict.rawValue)
        array(p.notes) { $0.string($1.rawValue) }
    }

    mutating func exchange(_ e: Exchange) {
        string(e.url)
        string(e.method)
        array(e.requestHeaders) { $0.header($1) }
        optional(e.status) { $0.int($1) }
        optional(e.httpVersion) { $0.string($1) }
        array(e.responseHeaders) { $0.header($1) }
        int(e.headerBytes)
        int(e.bodyBytes)
        optional(e.decodedBytes) { $0.int($1) }
        bool(e.truncated)
        optional(e.error) { w, error in
            w.string(error.code.rawValue)
            w.string(error.message)
        }
        double(e.timings.startedMs)
        optional(e.timings.headMs) { $0.double($1) }
        optional(e.timings.totalMs) { $0.double($1) }
        optional(e.retries) { $0.int($1) }
    }

    mutating func header(_ h: HeaderField) {
        string(h.name)
        string(h.value)
    }

    mutating func reference(_ r: Reference) {
        optional(r.url) { $0.string($1) }
        string(r.raw)
        string(r.element)
        string(r.attribute)
        optional(r.line) { $0.int($1) }
        string(r.kind.rawValue)
        string(r.role.rawValue)
        // Sorted, so the same dictionary always makes the same bytes.
        optional(r.condition) { w, condition in
            w.array(condition.sorted { $0.key < $1.key }) { w, pair in
                w.string(pair.key)
                w.string(pair.value)
            }
        }
        optional(r.notFetchable) { $0.string($1) }
        optional(r.candidateGroup) { $0.int($1) }
    }
}

extension RecordReader {
    static func resource(_ bytes: [UInt8]) throws -> FetchedResource {
        var r = try RecordReader(bytes)
        let value = try r.resource()
        try r.finish()
        return value
    }

    /// The tally of a stored resource, read in ``resource()``'s field order, every field it does
    /// not count stepped over.
    static func tally(_ bytes: [UInt8]) throws -> ResourceTally {
        var r = try RecordReader(bytes)
        try r.skipString()  // url
        try r.skipString()  // kind
        var wireBytes = 0
        for _ in 0..<(try r.count()) { wireBytes += try r.exchangeTally().wireBytes }
        let final = try r.exchangeTally()
        wireBytes += final.wireBytes
        var probes: [ResourceTally.Probe] = []
        if try r.bool() {
            for _ in 0..<2 {  // If-None-Match, then If-Modified-Since
                guard try r.bool() else { continue }
                let exchange = try r.exchangeTally()
                var verdicts = [try r.raw(RevalidationVerdict.self)]
                verdicts += try r.array { try $0.raw(RevalidationVerdict.self) }
                probes.append(ResourceTally.Probe(status: exchange.status, verdicts: verdicts))
            }
        }
        try r.skipOptional { _ = try $0.fixed64() }
        try r.finish()
        let failed = final.failed || (final.status ?? 0) >= 400
        return ResourceTally(failed: failed, wireBytes: wireBytes, probes: probes)
    }

    /// The counted fields of an exchange, in ``exchange()``'s field order: its status, wire bytes and
    /// whether it has an error.
    mutating func exchangeTally() throws -> (status: Int?, wireBytes: Int, failed: Bool) {
        try skipString()  // url
        try skipString()  // method
        for _ in 0..<(try count()) { try skipString(); try skipString() }
        let status = try optional { try $0.int() }
        try skipOptional { try $0.skipString() }
        for _ in 0..<(try count()) { try skipString(); try skipString() }
        // Wrapping: a probe's bytes are read but not counted, and a damaged record must not trap.
        let wireBytes = try int() &+ int()
        try skipOptional { _ = try $0.int() }
        _ = try bool()
        let failed = try bool()
        if failed { try skipString(); try skipString() }
        _ = try fixed64()
        try skipOptional { _ = try $0.fixed64() }
        try skipOptional { _ = try $0.fixed64() }
        try skipOptional { _ = try $0.int() }
        return (status, wireBytes, failed)
    }

    static func references(_ bytes: [UInt8]) throws -> [Reference] {
        var r = try RecordReader(bytes)
        let value = try r.array { try $0.reference() }
        try r.finish()
        return value
    }

    private func finish() throws {
        guard isAtEnd else { throw StoreError(.notAStore, "a stored record has bytes past its end") }
    }

    mutating func resource() throws -> FetchedResource {
        let url = try string()
        let kind = try raw(AssetKind.self)
        let redirects = try array { try $0.exchange() }
        let exchange = try exchange()
        let revalidation = try optional { r in
            Revalidation(ifNoneMatch: try r.optional { try $0.probe() }, ifModifiedSince: try r.optional { try $0.probe() })
        }
        let digest = try optional { try $0.fixed64() }
        return FetchedResource(url: url, kind: kind, redirects: redirects, exchange: exchange, revalidation: revalidation, bodyDigest: digest)
    }

    mutating func probe() throws -> Probe {
        Probe(exchange: try exchange(), verdict: try raw(RevalidationVerdict.self), notes: try array { try $0.raw(RevalidationVerdict.self) })
    }

    mutating func exchange() throws -> Exchange {
        var e = Exchange(url: try string())
        e.method = try string()
        e.requestHeaders = try array { try $0.header() }
        e.status = try optional { try $0.int() }
        e.httpVersion = try optional { try $0.string() }
        e.responseHeaders = try array { try $0.header() }
        e.headerBytes = try int()
        e.bodyBytes = try int()
        e.decodedBytes = try optional { try $0.int() }
        e.truncated = try bool()
        e.error = try optional { FetchError(try $0.raw(FetchError.Code.self), try $0.string()) }
        e.timings = Timings(startedMs: try double(), headMs: try optional { try $0.double() }, totalMs: try optional { try $0.double() })
        e.retries = try optional { try $0.int() }
        return e
    }

    mutating func header() throws -> HeaderField {
        HeaderField(name: try string(), value: try string())
    }

    mutating func reference() throws -> Reference {
        let url = try optional { try $0.string() }
        let raw = try string(), element = try string(), attribute = try string()
        let line = try optional { try $0.int() }
        let kind = try self.raw(AssetKind.self), role = try self.raw(ReferenceRole.self)
        let condition: [String: String]? = try optional { r in
            let pairs = try r.array { (try $0.string(), try $0.string()) }
            return Dictionary(pairs, uniquingKeysWith: { _, last in last })
        }
        return Reference(url: url, raw: raw, element: element, attribute: attribute, line: line, kind: kind, role: role,
                         condition: condition, notFetchable: try optional { try $0.string() }, candidateGroup: try optional { try $0.int() })
    }
}
