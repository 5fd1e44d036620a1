import Foundation
import Testing

/// Every Swift block of README.md and docs/clients.md is code that compiles: one of the snippets of
/// DocumentationSnippets.swift, word for word (less its `import` lines), and every snippet is shown in docs/clients.md.
@Suite struct DocumentationSnippetTests {
    static let root = String(#filePath.prefix(upTo: #filePath.range(of: "/Tests/")!.lowerBound))

    /// The regions between `// snippet NAME` and `// end snippet`, without their common indentation.
    static func snippets() throws -> [String: String] {
        let lines = try String(contentsOfFile: Self.root + "/Tests/FunnelClientTests/DocumentationSnippets.swift", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var snippets: [String: String] = [:]
        var name: String?
        var body: [String] = []
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("// snippet ") {
                name = String(trimmed.dropFirst("// snippet ".count))
                body = []
            } else if trimmed == "// end snippet", let current = name {
                let indent = body.filter { !$0.isEmpty }.map { $0.prefix(while: { $0 == " " }).count }.min() ?? 0
                snippets[current] = body.map { String($0.dropFirst(min(indent, $0.count))) }.joined(separator: "\n")
                name = nil
            } else if name != nil {
                body.append(line)
            }
        }
        return snippets
    }

    /// The page's ```swift blocks, without `import` lines and the `// Package.swift` hint.
    static func blocks(of page: String) throws -> [String] {
        let lines = try String(contentsOfFile: Self.root + "/" + page, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [String] = []
        var block: [String]?
        for line in lines {
            if line == "```swift" {
                block = []
            } else if line == "```", let current = block {
                var kept = current.filter { !$0.hasPrefix("import ") && !$0.hasPrefix("// Package.swift") }
                while kept.first?.isEmpty == true { kept.removeFirst() }
                while kept.last?.isEmpty == true { kept.removeLast() }
                blocks.append(kept.joined(separator: "\n"))
                block = nil
            } else if block != nil {
                block!.append(line)
            }
        }
        return blocks
    }

    @Test(arguments: ["README.md", "docs/clients.md"])
    func everySwiftBlockIsASnippetThatCompiles(page: String) throws {
        let snippets = try Self.snippets()
        #expect(snippets.count == 5)
        let blocks = try Self.blocks(of: page)
        #expect(!blocks.isEmpty, "\(page) shows the client")
        for block in blocks {
            #expect(snippets.values.contains(block), "a Swift block of \(page) is not in DocumentationSnippets.swift:\n\(block)")
        }
    }

    @Test func docsClientsShowsEverySnippet() throws {
        let blocks = try Self.blocks(of: "docs/clients.md")
        for (name, snippet) in try Self.snippets() {
            #expect(blocks.contains(snippet), "docs/clients.md lacks snippet \(name)")
        }
    }
}
