/// Character-encoding labels as the WHATWG Encoding standard reads them, translated to the
/// names libxml2 (through iconv) decodes the way browsers do.
///
/// Two differences matter for URLs: browsers decode `iso-8859-1`, `latin1` and `us-ascii`
/// as windows-1252 (so byte 0x80 is `€`, not a C1 control), and decode `Shift_JIS` as
/// Microsoft's CP932 (so 0x5C is `\` and 0x7E is `~`; glibc's SHIFT_JIS turns them into `¥`
/// and `‾`, which breaks `/~user/` paths).
enum Charset {
    /// The name to hand libxml2 for an encoding label, or nil for a label no browser knows.
    static func libxmlName(forLabel label: String) -> String? {
        let key = label.trimmingASCIIWhitespace().lowercased()
        if let name = aliases[key] { return name }
        return nil
    }

    /// Labels (WHATWG Encoding §4.2, the common ones) → iconv names that decode like browsers.
    static let aliases: [String: String] = {
        var table: [String: String] = [:]
        func add(_ name: String, _ labels: [String]) { for l in labels { table[l] = name } }
        add("UTF-8", ["utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"])
        add("UTF-16LE", ["utf-16", "utf-16le", "ucs-2", "unicode", "unicodefeff", "iso-10646-ucs-2", "csunicode"])
        add("UTF-16BE", ["utf-16be", "unicodefffe"])
        add("windows-1252", ["windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1",
                             "iso_8859-1:1987", "iso-ir-100", "latin1", "l1", "cp819", "ibm819", "csisolatin1",
                             "us-ascii", "ascii", "ansi_x3.4-1968", "iso-8859-1:1987"])
        add("CP932", ["shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "ms932", "windows-31j", "csshiftjis"])
        add("EUC-JP", ["euc-jp", "x-euc-jp", "cseucpkdfmtjapanese"])
        add("ISO-2022-JP", ["iso-2022-jp", "csiso2022jp"])
        add("GB18030", ["gb18030"])
        add("GBK", ["gbk", "gb2312", "chinese", "csgb2312", "x-gbk", "gb_2312", "gb_2312-80", "iso-ir-58", "csiso58gb231280"])
        add("BIG5-HKSCS", ["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"])
        add("CP949", ["euc-kr", "cseuckr", "csksc56011987", "iso-ir-149", "korean", "ks_c_5601-1987", "ks_c_5601-1989",
                      "ksc5601", "ksc_5601", "windows-949"])
        add("KOI8-R", ["koi8-r", "koi8_r", "koi8", "cskoi8r"])
        add("KOI8-U", ["koi8-u", "koi8-ru"])
        add("ISO-8859-2", ["iso-8859-2", "iso8859-2", "latin2", "l2", "csisolatin2"])
        add("ISO-8859-5", ["iso-8859-5", "iso8859-5", "cyrillic", "csisolatincyrillic"])
        add("ISO-8859-7", ["iso-8859-7", "iso8859-7", "greek", "greek8", "csisolatingreek"])
        add("ISO-8859-8", ["iso-8859-8", "iso8859-8", "hebrew", "visual", "csisolatinhebrew"])
        add("ISO-8859-15", ["iso-8859-15", "iso8859-15", "latin9", "l9", "csisolatin9"])
        add("windows-874", ["windows-874", "tis-620", "iso-8859-11", "dos-874"])
        for n in 1250...1258 where n != 1252 { add("windows-\(n)", ["windows-\(n)", "cp\(n)", "x-cp\(n)"]) }
        // Browsers decode iso-8859-9 as its superset windows-1254.
        add("windows-1254", ["iso-8859-9", "iso8859-9", "latin5", "l5", "csisolatin5"])
        return table
    }()

    /// A byte-order mark at the start of `bytes`: the encoding it names and its length.
    static func byteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> (name: String, length: Int)? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return ("UTF-8", 3) }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return ("UTF-16BE", 2) }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return ("UTF-16LE", 2) }
        return nil
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }
}
