import Foundation
import Testing
import YTV2TestSupport

@testable import YTV2Store

#if canImport(Glibc)
import Glibc
#endif

@Suite struct LocalClusterTests {
    static func scratch() throws -> URL {
        let url = URL(fileURLWithPath: "/tmp/ytv2-cluster-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func secondStartReusesTheRunningServerAndStopStartsKeepThePort() async throws {
        let folder = try Self.scratch()
        let cluster = LocalCluster(root: folder.appendingPathComponent(".ytv2"), durable: false)
        defer {
            cluster.stopImmediately()
            try? FileManager.default.removeItem(at: folder)
        }
        let first = try await cluster.start(logger: TestPostgres.logger)
        let status = try await cluster.status()
        #expect(status.running && status.port == first.port && status.pid != nil)
        let second = try await cluster.start(logger: TestPostgres.logger)
        #expect(second.port == first.port && second.password == first.password)
        #expect(try await cluster.status().pid == status.pid)

        #expect(try await cluster.stop())
        #expect(try await !cluster.status().running)
        #expect(try await !cluster.stop())
        let third = try await cluster.start(logger: TestPostgres.logger)
        #expect(third.port == first.port)
        let store = Store(configuration: third, logger: TestPostgres.logger)
        #expect(try await store.withRunning { try await $0.ping() } >= 0)
        // The state file holds the password: only its owner may read it.
        let mode =
            try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(".ytv2/cluster.json").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test(.enabled(if: geteuid() == 0, "only root hands the server to another user"))
    func asRootTheServerRunsAsItsOwnUserEvenWhenItCannotEnterTheFolder() async throws {
        let folder = try Self.scratch()
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
        let cluster = LocalCluster(root: folder.appendingPathComponent(".ytv2"), durable: false)
        _ = try await cluster.start(logger: TestPostgres.logger)
        let status = try await cluster.status()
        defer {
            cluster.stopImmediately()
            if let data = status.dataDirectory {
                try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: data).deletingLastPathComponent().path)
            }
            try? FileManager.default.removeItem(at: folder)
        }
        #expect(status.running)
        #expect(status.systemUser == LocalCluster.systemUserName)
        #expect(status.dataDirectory?.hasPrefix("/var/lib/ytv2/clusters/") == true)
        // The server process's real uid is the system user's, not root's.
        let uidLine = try String(contentsOfFile: "/proc/\(status.pid ?? 0)/status", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("Uid:") }
        let uid = uidLine?.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { UInt32($0) }
        #expect(uid != nil && uid != 0 && uid == getpwnam(LocalCluster.systemUserName)?.pointee.pw_uid)
    }
}
