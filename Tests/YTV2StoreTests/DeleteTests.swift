import Foundation
import Testing
import YTV2Core
import YTV2TestSupport

@testable import YTV2Store

@Suite struct DeleteTests {
    @Test func deleteCascadesAndLeavesATombstone() async throws {
        try await withTestStore { store in
            let write = Fixture.write(
                "dQw4w9WgXcQ",
                summaries: [(.comprehensive, "One."), (.bulletPoints, "- two")],
                audio: TestAudio.mp3()
            )
            try await VideoStore(store: store).commit(write)
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", summaries: [(.comprehensive, "One, revised.")]))
            #expect(try await store.scalar("SELECT count(*) FROM summaries") == 3)

            let outcome = try await VideoStore(store: store).delete(Fixture.id("dQw4w9WgXcQ"), actor: "admin", reason: "test")
            #expect(outcome.summariesDeleted == 3)
            #expect(outcome.audioDeleted == 1)
            #expect(try await store.scalar("SELECT count(*) FROM videos") == 0)
            #expect(try await store.scalar("SELECT count(*) FROM summaries") == 0)
            #expect(try await store.scalar("SELECT count(*) FROM audio") == 0)
            #expect(try await store.scalar("SELECT count(*) FROM tombstones WHERE video_id = 'dQw4w9WgXcQ' AND deleted_by = 'admin'") == 1)
            #expect(try await store.scalar("SELECT count(*) FROM audit_log WHERE action = 'video.delete' AND subject = 'dQw4w9WgXcQ'") == 1)
            #expect(try await ReportReader(store: store).report(id: "dQw4w9WgXcQ") == nil)
        }
    }

    @Test func processorWriteAfterDeleteIsRefusedUntilReRequested() async throws {
        try await withTestStore { store in
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ"))
            try await VideoStore(store: store).delete(Fixture.id("dQw4w9WgXcQ"), actor: "admin")

            await #expect(throws: StoreError.self) {
                try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", summaries: [(.comprehensive, "Came back?")]))
            }
            #expect(try await store.scalar("SELECT count(*) FROM videos") == 0)
            #expect(try await store.scalar("SELECT count(*) FROM summaries") == 0)

            // An explicit re-request brings it back and clears the tombstone, audited.
            let outcome = try await VideoStore(store: store).commit(
                Fixture.write("dQw4w9WgXcQ", summaries: [(.comprehensive, "Back.")], revive: true)
            )
            #expect(outcome.revived)
            #expect(outcome.created)
            #expect(try await ReportReader(store: store).report(id: "dQw4w9WgXcQ")?.summaries.first?.text == "Back.")
            #expect(try await ReportReader(store: store).tombstone(for: Fixture.id("dQw4w9WgXcQ")) == nil)
            #expect(try await store.scalar("SELECT count(*) FROM audit_log WHERE action = 'video.tombstone_cleared'") == 1)
        }
    }

    @Test func clearTombstoneAllowsTheNextWrite() async throws {
        try await withTestStore { store in
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ"))
            try await VideoStore(store: store).delete(Fixture.id("dQw4w9WgXcQ"), actor: "admin")
            #expect(try await VideoStore(store: store).clearTombstone(Fixture.id("dQw4w9WgXcQ"), actor: "bot"))
            #expect(try await !VideoStore(store: store).clearTombstone(Fixture.id("dQw4w9WgXcQ"), actor: "bot"))
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ"))
            #expect(try await ReportReader(store: store).videoCount() == 1)
        }
    }

    @Test func secondDeleteSaysWhenItWasDeleted() async throws {
        try await withTestStore { store in
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ"))
            try await VideoStore(store: store).delete(Fixture.id("dQw4w9WgXcQ"), actor: "admin")
            do {
                try await VideoStore(store: store).delete(Fixture.id("dQw4w9WgXcQ"), actor: "admin")
                Issue.record("a second delete must fail")
            } catch StoreError.videoNotFound(_, let deletedAt) {
                #expect(deletedAt != nil)
            }
            do {
                try await VideoStore(store: store).delete(Fixture.id("AAAAAAAAAAA"), actor: "admin")
                Issue.record("deleting an unknown video must fail")
            } catch StoreError.videoNotFound(_, let deletedAt) {
                #expect(deletedAt == nil)
            }
        }
    }
}
