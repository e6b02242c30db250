import RouterHTTP
import Testing

/// The answer header in which replicas tell their models.
struct ModelIDsHeaderTests {
    @Test(arguments: [[], ["a"], ["lora-7", "llama a", "x,y;z%", "modèle"]])
    func aValueReadsBackAsWritten(models: [String]) throws {
        let value = ModelIDsHeader.value(version: 42, models: models)
        let read = try #require(ModelIDsHeader.parse(value))
        #expect(read.version == 42)
        #expect(read.models == models)
        #expect(ModelIDsHeader.version(in: value) == 42)
    }

    @Test func idsWithSeparatorsArePercentEncoded() {
        #expect(ModelIDsHeader.value(version: 3, models: ["a", "x,y;z%"]) == "3;a,x%2Cy%3Bz%25")
        #expect(ModelIDsHeader.value(version: 1, models: []) == "1;")
    }

    @Test(arguments: ["", "x;a", ";a", "1", "1;a,,b", "1;%G1", "1;%4", "1;" + String(repeating: "a", count: 20_000)])
    func malformedValuesSayNothing(value: String) {
        #expect(ModelIDsHeader.parse(value) == nil)
    }
}
