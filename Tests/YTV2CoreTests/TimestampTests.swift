import Foundation
import Testing
import YTV2Core

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2024-03-05T10:20:30Z", 1_709_634_030.0), ("2024-03-05T10:20:30.250Z", 1_709_634_030.25),
        ("2024-03-05T12:20:30+02:00", 1_709_634_030.0), ("2024-03-05 10:20:30", 1_709_634_030.0),
        ("2024-03-05T10:20:30", 1_709_634_030.0), ("20240305", 1_709_596_800.0), ("2024-03-05", 1_709_596_800.0),
        ("1709634030", 1_709_634_030.0), ("1709634030250", 1_709_634_030.25),
    ])
    func parsesEveryLegacyForm(_ text: String, _ expected: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.001)
    }

    @Test(arguments: ["", "yesterday", "2024-13-45", "20241399", "-5", "NaN", String(repeating: "9", count: 100)])
    func rejectsTheRest(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}

@Suite struct HexTests {
    @Test func encodesBytesAndSHA256() {
        #expect([0x00, 0x0f, 0xa0, 0xff].hexEncoded == "000fa0ff")
        #expect("abc".utf8.sha256Hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Unix milliseconds (numbers past 10^11) up to the end of year 9999 are moments; later ones are refused like any
    /// unparseable value, so the row's warning says so.
    @Test func unixValuesAfterYear9999AreRefused() {
        #expect(Timestamp.unix(253_402_300_799_000) == Date(timeIntervalSince1970: 253_402_300_799))
        #expect(Timestamp.unix(253_402_300_800_000) == nil)
        #expect(Timestamp.parse("1709337600123") == Date(timeIntervalSince1970: 1_709_337_600.123))
        #expect(Timestamp.parse("300000000000000") == nil)
    }
}
