import FunnelServer
import Testing

@Suite struct RESPCodecTests {
    @Test func commandIsAnArrayOfBulkStrings() {
        #expect(RESPValue.command(["LLEN", "jobs:dead"]) == Array("*2\r\n$4\r\nLLEN\r\n$9\r\njobs:dead\r\n".utf8))
        #expect(RESPValue.command(["AUTH", "pä"]) == Array("*2\r\n$4\r\nAUTH\r\n$3\r\npä\r\n".utf8))
    }

    static let replies: [(String, RESPValue)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", .error("WRONGTYPE Operation against a key holding the wrong kind of value")),
        (":42\r\n", .integer(42)),
        (":-3\r\n", .integer(-3)),
        ("$5\r\nhe\r\no\r\n", .bulkString(Array("he\r\no".utf8))),
        ("$0\r\n\r\n", .bulkString([])),
        ("$-1\r\n", .bulkString(nil)),
        ("*-1\r\n", .array(nil)),
        ("*2\r\n:1\r\n*1\r\n+x\r\n", .array([.integer(1), .array([.simpleString("x")])])),
    ]

    @Test(arguments: replies) func decodesEachType(text: String, expected: RESPValue) throws {
        var decoder = RESPDecoder()
        decoder.append(Array(text.utf8))
        #expect(try decoder.next() == expected)
        #expect(try decoder.next() == nil)
        // Encoding gives the same bytes back.
        #expect(expected.encoded() == Array(text.utf8))
    }

    @Test func waitsForWholeValuesWhenBytesArriveOneAtATime() throws {
        let text = Array("*3\r\n$4\r\nLLEN\r\n:7\r\n$-1\r\n+PONG\r\n".utf8)
        var decoder = RESPDecoder()
        var values: [RESPValue] = []
        for byte in text {
            decoder.append([byte])
            while let value = try decoder.next() { values.append(value) }
        }
        #expect(values == [.array([.bulkString(Array("LLEN".utf8)), .integer(7), .bulkString(nil)]), .simpleString("PONG")])
    }

    static let invalid: [(String, String)] = [
        ("?1\r\n", "unknown type byte"),
        (":12a\r\n", "integer expected"),
        ("$-2\r\n", "bulk length expected"),
        ("$3\r\nabcd\r\n", "not followed by CRLF"),
        ("$2000000\r\n", "exceeds the limit"),
        ("*-5\r\n", "array length expected"),
    ]

    @Test(arguments: invalid) func refusesWhatIsNotRESP(text: String, problem: String) {
        var decoder = RESPDecoder()
        decoder.append(Array(text.utf8))
        #expect {
            _ = try decoder.next()
        } throws: { error in
            (error as? RESPDecodingError)?.message.contains(problem) == true
        }
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        var decoder = RESPDecoder(maximumDepth: 2)
        decoder.append(Array("*1\r\n*1\r\n*1\r\n:1\r\n".utf8))
        #expect(throws: RESPDecodingError.self) { _ = try decoder.next() }
    }
}
