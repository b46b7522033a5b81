internal import CLibXML2

// What the walk is: libxml2's HTML parser (the same tokenizer, tree-construction rules,
// entity decoding and encoding detection as `htmlReadMemory`) driving SAX callbacks into
// `HTMLExtractor.Walker`, with no tree built. Building and freeing the tree was most of the
// cost of a parse; extraction only needs start tags, end tags and the text of `<style>`.

/// The attributes of a start tag as libxml2 hands them to SAX (name, value, name, value…, nil),
/// valid only during the callback: read them into Swift values, never keep this.
struct SAXAttributes {
    let list: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    /// True when there is a `style`, `data-src` or `data-srcset` attribute, the ones any element
    /// may carry; compared as C strings without making a String per attribute.
    var hasAnyElementAttribute: Bool {
        guard var entry = list else { return false }
        while let name = entry.pointee {
            switch name[0] {
            case UInt8(ascii: "s"):
                if xmlStrEqual(name, "style") != 0 { return true }
            case UInt8(ascii: "d"):
                if name[1] == UInt8(ascii: "a"), xmlStrEqual(name, "data-src") != 0 || xmlStrEqual(name, "data-srcset") != 0 {
                    return true
                }
            default:
                break
            }
            entry += 2
        }
        return false
    }

    /// The attributes extraction reads (names screened by length and first byte), values with
    /// character references already decoded by libxml2; a valueless attribute reads as "".
    func attributes() -> Attributes {
        var result = Attributes()
        guard var entry = list else { return result }
        while let name = entry.pointee {
            let length = Int(xmlStrlen(name))
            if length < Attributes.usedShapes.count, Attributes.usedShapes[length][Int(name[0])] {
                let value = (entry + 1).pointee.map { String(cString: $0) } ?? ""
                result.append(name: String(cString: name), value: value)
            }
            entry += 2
        }
        return result
    }
}

extension LibXML {
    /// Parses `bytes` with libxml2's HTML parser, calling `handler` for each start tag, end tag
    /// and piece of text, then hands the handler and the encoding a `<meta>` declared (when
    /// none was given) to `body`. Everything libxml2 allocated is freed before returning.
    ///
    /// - Returns: nil when libxml2 could not start a parse at all.
    static func withSAXParse<R>(
        _ bytes: UnsafeBufferPointer<UInt8>, encoding: String?, handler: HTMLExtractor.Walker,
        _ body: (HTMLExtractor.Walker, String?) -> R
    ) -> R? {
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= Int(Int32.max) else { return nil }
        let created = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            htmlCreateMemoryParserCtxt($0, Int32(bytes.count))
        }
        guard let ctxt = created, let sax = ctxt.pointee.sax else {
            if let created { htmlFreeParserCtxt(created) }
            return nil
        }
        defer {
            if let doc = ctxt.pointee.myDoc {
                xmlFreeDoc(doc)
                ctxt.pointee.myDoc = nil
            }
            ctxt.pointee._private = nil
            htmlFreeParserCtxt(ctxt)
        }
        _ = htmlCtxtUseOptions(ctxt, htmlOptions)
        // Only the callbacks extraction needs: no document, no DTD, no comments, no errors.
        var handlers = htmlSAXHandler()
        handlers.initialized = 1
        handlers.startElement = { context, name, attributes in
            guard let name, let parser = context?.assumingMemoryBound(to: htmlParserCtxt.self),
                  let box = parser.pointee._private else { return }
            let line = Int(parser.pointee.input?.pointee.line ?? 0)
            Unmanaged<HTMLExtractor.Walker>.fromOpaque(box).takeUnretainedValue().startElement(name, SAXAttributes(list: attributes), line: line)
        }
        handlers.endElement = { context, name in
            guard let name, let parser = context?.assumingMemoryBound(to: htmlParserCtxt.self),
                  let box = parser.pointee._private else { return }
            Unmanaged<HTMLExtractor.Walker>.fromOpaque(box).takeUnretainedValue().endElement(name)
        }
        let text: charactersSAXFunc = { context, characters, length in
            guard let characters, length > 0, let parser = context?.assumingMemoryBound(to: htmlParserCtxt.self),
                  let box = parser.pointee._private else { return }
            Unmanaged<HTMLExtractor.Walker>.fromOpaque(box).takeUnretainedValue().text(UnsafeBufferPointer(start: characters, count: Int(length)))
        }
        handlers.characters = text
        handlers.cdataBlock = text
        sax.pointee = handlers
        if let encoding, let converter = xmlFindCharEncodingHandler(encoding) {
            _ = xmlSwitchToEncoding(ctxt, converter)
            // As htmlReadMemory does: a named encoding is final, a later <meta> does not switch it.
            if let input = ctxt.pointee.input {
                if let old = input.pointee.encoding { assetcrawl_xmlFree(UnsafeMutableRawPointer(mutating: old)) }
                input.pointee.encoding = UnsafePointer(xmlStrdup(encoding))
            }
        }
        return withExtendedLifetime(handler) {
            ctxt.pointee._private = Unmanaged.passUnretained(handler).toOpaque()
            _ = htmlParseDocument(ctxt)
            let declared = ctxt.pointee.input?.pointee.encoding.map { String(cString: $0) }
            return body(handler, declared)
        }
    }
}
