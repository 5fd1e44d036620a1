/// Text made safe for HTML and SVG: element content and quoted attribute values.
enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `text` percent-encoded for one path segment or query value of a link: everything but the unreserved
    /// characters, exactly as SigV4 encodes.
    static func urlComponent(_ text: String) -> String {
        SigV4Signer.encode(text)
    }
}
