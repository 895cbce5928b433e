import Foundation
import Testing
import YTV2Core
import YTV2TestSupport

@testable import YTV2Store

@Suite struct MigrationTests {
    @Test func freshApplyThenNoOp() async throws {
        try await withTestStore(migrated: false) { store in
            let shipped = try SchemaMigrator(logger: TestPostgres.logger).migrations
            let first = try await store.migrate()
            #expect(
                first.applied.prefix(5) == [
                    "0001_schema_v1.sql", "0002_jobs.sql", "0003_migration_phases.sql", "0004_sort_indexes.sql", "0005_legacy_item_fields.sql",
                ]
            )
            #expect(first.applied == shipped.map(\.fileName))
            #expect(first.schemaVersion == shipped.count)
            let second = try await store.migrate()
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == shipped.count)
            #expect(try await store.scalar("SELECT count(*) FROM schema_migrations") == shipped.count)
            #expect(try await store.schemaVersion() == shipped.count)
        }
    }

    /// A database with videos, upgraded to 0011: every video's search words are copied into `video_search`, each with
    /// its own number, and both copies are stripped of positions; searches find what they found before.
    @Test func theSearchWordsTableIsFilledFromStoredVideos() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Up to v10, and the merge rules (v12) that every write uses: videos stored before v11 came.
        for migration in try SchemaMigrator(logger: TestPostgres.logger).migrations where migration.version <= 10 || migration.version == 12 {
            try migration.sql.write(to: directory.appendingPathComponent(migration.fileName), atomically: true, encoding: .utf8)
        }
        try await withTestStore(migrated: false) { store in
            try await SchemaMigrator(directory: directory, logger: TestPostgres.logger).migrate(client: store.client)
            try await VideoStore(store: store).commit(
                Fixture.write("dQw4w9WgXcQ", title: "Volcanic islands", summaries: [(.comprehensive, "Basalt and lava.")])
            )
            try await VideoStore(store: store).commit(
                Fixture.write("aaaaaaaaaaa", title: "Glaciers", summaries: [(.comprehensive, "Ice and basalt.")])
            )
            #expect(try await store.scalar("SELECT count(*) FROM videos WHERE search <> strip(search)") == 2)

            #expect(try await store.migrate().applied.contains("0011_search_words_table.sql"))
            #expect(try await store.scalar("SELECT count(*) FROM videos WHERE search <> strip(search)") == 0)
            #expect(try await store.scalar("SELECT count(*) FROM video_search") == 2)
            #expect(try await store.scalar("SELECT count(DISTINCT number) FROM video_search") == 2)
            #expect(
                try await store.scalar(
                    "SELECT count(*) FROM videos v JOIN video_search s USING (video_id) WHERE s.words = v.search AND s.words = ytv2_search_document(v.video_id)"
                ) == 2
            )
            #expect(try await ReportReader(store: store).searchMatchNumbers("basalt").count == 2)
            #expect(try await ReportReader(store: store).searchMatchNumbers("lava").count == 1)
        }
    }

    @Test func tamperedAppliedFileIsRefusedByName() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "CREATE TABLE one (id int);".write(to: directory.appendingPathComponent("0001_one.sql"), atomically: true, encoding: .utf8)
        try "CREATE TABLE two (id int);\nINSERT INTO two VALUES (1);".write(
            to: directory.appendingPathComponent("0002_two.sql"),
            atomically: true,
            encoding: .utf8
        )

        try await withTestStore(migrated: false) { store in
            let migrator = try SchemaMigrator(directory: directory, logger: TestPostgres.logger)
            #expect(try await migrator.migrate(client: store.client).applied == ["0001_one.sql", "0002_two.sql"])

            try "CREATE TABLE two (id bigint);".write(to: directory.appendingPathComponent("0002_two.sql"), atomically: true, encoding: .utf8)
            let tampered = try SchemaMigrator(directory: directory, logger: TestPostgres.logger)
            do {
                try await tampered.migrate(client: store.client)
                Issue.record("a changed applied migration must be refused")
            } catch StoreError.migration(let message) {
                #expect(message.contains("0002_two.sql"))
            }
            #expect(try await store.scalar("SELECT count(*) FROM two") == 1)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "CREATE TABLE good (id int);\nCREATE TABLE bad (id nosuchtype);".write(
            to: directory.appendingPathComponent("0001_broken.sql"),
            atomically: true,
            encoding: .utf8
        )
        try await withTestStore(migrated: false) { store in
            let migrator = try SchemaMigrator(directory: directory, logger: TestPostgres.logger)
            await #expect(throws: StoreError.self) { try await migrator.migrate(client: store.client) }
            #expect(try await store.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'good'") == 0)
            #expect(try await store.scalar("SELECT count(*) FROM schema_migrations") == 0)
        }
    }

    @Test func concurrentMigratorsApplyOnce() async throws {
        try await withTestStore(migrated: false) { store in
            let reports = try await withThrowingTaskGroup(of: SchemaMigrator.Report.self) { group in
                for _ in 0..<4 { group.addTask { try await store.migrate() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Each file applied exactly once, whichever migrator got to it first.
            let shipped = try SchemaMigrator(logger: TestPostgres.logger).migrations.count
            #expect(reports.flatMap(\.applied).count == shipped)
            #expect(Set(reports.flatMap(\.applied)).count == shipped)
            #expect(try await store.scalar("SELECT count(*) FROM schema_migrations") == shipped)
        }
    }

    @Test func splitsStatementsRespectingQuotesAndBodies() {
        let sql = """
            -- comment; not a statement
            CREATE TABLE a (t text DEFAULT 'x;y');
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
            CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 2; END $body$;
            /* block; comment */ SELECT "odd;name" FROM a;
            """
        let statements = SQLScript.statements(in: sql)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("DEFAULT 'x;y')"))
        #expect(statements[1].contains("$$ SELECT 1; $$"))
        #expect(statements[2].contains("BEGIN RETURN 2; END"))
        #expect(statements[3].contains("\"odd;name\""))
    }
}
