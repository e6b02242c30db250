import RouterAPI
import Testing

/// Ids as the API and the wire spell them, digits written by hand rather than by interpolation.
@Suite struct IdentifierTextTests {
    @Test func requestIdsSpellTheirNumberInDecimal() {
        let numbers: [UInt64] = [0, 1, 9, 10, 12, 99, 100, 1_000_000_007, UInt64(UInt32.max) + 1, .max - 1, .max]
        for number in numbers {
            #expect(RequestID(number).description == "req-\(number)")
            #expect(RequestID(text: RequestID(number).description) == RequestID(number))
        }
    }

    @Test func everyPowerOfTenAndTheNumberBeforeIt() {
        var power: UInt64 = 1
        while true {
            #expect(RequestID(power).description == "req-\(power)")
            #expect(RequestID(power - 1).description == "req-\(power - 1)")
            guard power <= UInt64.max / 10 else { break }
            power *= 10
        }
    }
}
