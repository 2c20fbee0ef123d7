import Testing

@testable import CNMCLIKit

@Suite("Indenting canonical JSON")
struct JSONPrettyPrinterTests {
    @Test("nesting is indented and key order, numbers and strings are untouched")
    func indentsWithoutChangingValues() {
        let compact = #"{"z":1,"a":{"list":[1.50,"9007199254740993"],"empty":{},"none":[]},"b":true}"#
        #expect(
            JSONPrettyPrinter.format(compact) == """
                {
                    "z": 1,
                    "a": {
                        "list": [
                            1.50,
                            "9007199254740993"
                        ],
                        "empty": {},
                        "none": []
                    },
                    "b": true
                }
                """)
    }

    @Test("structural characters and escapes inside strings are left alone")
    func leavesStringsAlone() {
        let compact = #"{"k":"a,b:{c}[d] \"q\" \\","u":"\u00e9/"}"#
        #expect(
            JSONPrettyPrinter.format(compact) == """
                {
                    "k": "a,b:{c}[d] \\"q\\" \\\\",
                    "u": "\\u00e9/"
                }
                """)
    }
}
