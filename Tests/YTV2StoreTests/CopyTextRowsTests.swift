import PostgresNIO
import Testing
import YTV2Core
import YTV2TestSupport

@testable import YTV2Store

@Suite struct CopyTextRowsTests {
    /// Whatever a value holds, PostgreSQL reads back exactly that value (or NULL) from the rows.
    @Test func everyValueComesBackAsItWasWritten() async throws {
        let values: [String?] = [
            "plain", "", nil, "\\N", "back\\slash", "tab\there", "two\nlines", "carriage\r\nreturn", "ends with \\",
            "ünïcödé — 日本語 🎬", "\\t is not a tab", "'quotes' and \"quotes\"", String(repeating: "long \t\n\\ ", count: 2_000),
        ]
        var rows = CopyTextRows()
        for (index, value) in values.enumerated() {
            rows.add(String(index))
            rows.add(value)
            rows.endRow()
        }
        let written = rows
        try await withTestStore { store in
            let readBack = try await store.transaction { connection in
                try await connection.query("CREATE TEMPORARY TABLE copied (n int, value text) ON COMMIT DROP", logger: TestPostgres.logger)
                try await connection.copyFrom(table: "copied", logger: TestPostgres.logger) { try await $0.write(written.buffer) }
                var result: [Int: String?] = [:]
                for try await (n, value) in try await connection.query("SELECT n, value FROM copied", logger: TestPostgres.logger)
                    .decode((Int, String?).self)
                {
                    result[n] = value
                }
                return result
            }
            #expect(readBack.count == values.count)
            for (index, value) in values.enumerated() { #expect(readBack[index] == value, "value \(index)") }
        }
    }

    /// A moment written by the rows is the `timestamptz` that `to_timestamp` makes of the same seconds, to the
    /// microsecond: around the epochs, at rounding boundaries, before year 1, and at random over the legacy range.
    @Test func momentsAreWhatToTimestampMakesOfTheSameSeconds() async throws {
        var seconds: [Double] = [
            0, 1.5, -1, -0.000_000_5, 946_684_800, 946_684_799.999_999_5, 946_684_800.000_000_5, 1_709_337_600.123_456,
            1_709_337_600.123_456_5, 1_709_337_600.999_999_9, 253_402_300_799.999_999, -62_135_596_800, -62_135_596_801,
            -210_866_803_200, 951_782_400, 951_868_800, 4_107_542_400,
        ]
        var random = SplitMix64(seed: 7)
        for _ in 0..<500 {
            seconds.append(Double(random.next() % 300_000_000_000) / 1_000 - 60_000_000 + Double(random.next() % 1_000) / 1_000_000_000)
        }
        var rows = CopyTextRows()
        for (index, value) in seconds.enumerated() {
            rows.add(index)
            rows.add(String(value))
            rows.add(timestamp: value)
            rows.endRow()
        }
        let written = rows
        try await withTestStore { store in
            let differing = try await store.transaction { connection in
                try await connection.query(
                    "CREATE TEMPORARY TABLE copied (n int, seconds float8, at timestamptz) ON COMMIT DROP",
                    logger: TestPostgres.logger
                )
                try await connection.copyFrom(table: "copied", logger: TestPostgres.logger) { try await $0.write(written.buffer) }
                var differing: [String] = []
                let rows = try await connection.query(
                    "SELECT seconds::text || ': ' || coalesce(at::text, 'NULL') || ' against ' || to_timestamp(seconds)::text FROM copied WHERE at IS DISTINCT FROM to_timestamp(seconds)",
                    logger: TestPostgres.logger
                )
                for try await line in rows.decode(String.self) { differing.append(line) }
                return differing
            }
            #expect(differing == [])
        }
        // What PostgreSQL cannot hold is NULL, never a wrong moment.
        for value in [Double.nan, .infinity, -.infinity, 1e300, -1e300] { #expect(CopyTextRows.timestampText(value) == nil) }
    }
}
