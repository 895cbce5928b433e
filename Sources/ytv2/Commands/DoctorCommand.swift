import ArgumentParser
import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import YTV2Core
import YTV2Dashboard
import YTV2Migration
import YTV2Processor
import YTV2Store

/// `ytv2 doctor`: checks an installation and says what is wrong, one line per check.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the installation: database reachable, schema current, migration phase, no legacy writer, retired sync routes gone."
    )

    @Option(help: "A running dashboard to check (its retired sync routes must answer 410), e.g. http://127.0.0.1:10000.")
    var dashboardURL: String?
    @Flag(help: "Also check the processor's services: YouTube (a public video's player answer and one caption track), the LLM, speech.")
    var processor = false
    @Option(help: "The public video the processor checks read (with --processor).") var video = "dQw4w9WgXcQ"
    @Flag(help: "Print JSON instead of text.") var json = false
    @OptionGroup var global: GlobalOptions

    struct Check: Encodable {
        var name: String
        var passed: Bool
        var detail: String
        /// Set for a check this run did not make (it needs an option), with how to make it.
        var skipped: Bool?
    }

    func run() async throws {
        let logger = try global.makeLogger("ytv2.doctor")
        var checks: [Check] = []
        var databaseUnreachable = false
        do {
            checks += try await withStore(logger: logger, migrate: false) { store in
                var found: [Check] = []
                let latency = try await store.ping()
                found.append(Check(name: "database reachable", passed: true, detail: String(format: "round trip %.1f ms", latency)))
                let (version, pending) = try await SchemaMigrator(logger: logger).status(client: store.client)
                found.append(
                    Check(
                        name: "schema current",
                        passed: pending.isEmpty,
                        detail: pending.isEmpty
                            ? "version \(version)" : "version \(version), pending \(pending.joined(separator: ", ")): run `ytv2 db migrate`"
                    )
                )
                guard version >= 3 else { return found }  // the phase tables come with schema 3
                let phases = MigrationPhases(store: store)
                let status = try await phases.status()
                found.append(
                    Check(
                        name: "migration phase",
                        passed: true,
                        detail: status.phase.rawValue
                            + (status.next.map { ", next \($0.rawValue): gate \(status.gatePassed ? "passes" : "not met")" } ?? "")
                    )
                )
                if status.phase == .complete {
                    let mirror = EnvironmentReader().string("YTV2_LEGACY_MIRROR", default: "")
                    found.append(
                        Check(
                            name: "no legacy writer",
                            passed: mirror.isEmpty,
                            detail: mirror.isEmpty
                                ? "none configured; legacy writes are sealed" : "YTV2_LEGACY_MIRROR is set (\(mirror)) after Complete: unset it"
                        )
                    )
                    if let archive = try await phases.record(ArchiveRecord.self, ArchiveRecord.settingsKey)?.value {
                        let problems = LegacyArchiver.check(archive)
                        found.append(
                            Check(
                                name: "archive intact",
                                passed: problems.isEmpty,
                                detail: problems.isEmpty
                                    ? "\(archive.files.count) file(s) read-only with matching checksums in \(archive.folder)"
                                    : problems.prefix(5).joined(separator: "; ")
                            )
                        )
                    }
                }
                return found
            }
        } catch {
            checks.append(Check(name: "database reachable", passed: false, detail: "\(error)"))
            databaseUnreachable = true
        }
        if let dashboardURL {
            checks += await Self.retiredRouteChecks(dashboardURL)
        } else {
            checks.append(
                Check(
                    name: "retired sync routes answer 410",
                    passed: true,
                    detail: "not checked: give --dashboard-url with a running dashboard's address, e.g. http://127.0.0.1:10000",
                    skipped: true
                )
            )
        }
        if !processor {
            checks.append(
                Check(name: "YouTube, the LLM and speech", passed: true, detail: "not checked: add --processor", skipped: true)
            )
        }
        if processor {
            let configuration = try checked { () throws(ConfigurationError) in try ProcessorConfiguration() }
            let id: VideoID
            do { id = try VideoID(url: video) } catch { throw ValidationError("--video: \(error.description)") }
            let found = await ProcessorDoctor(configuration: configuration, video: id).run()
            checks += found.map { Check(name: $0.name, passed: $0.passed, detail: $0.detail) }
        }

        if json {
            try printJSON(checks)
        } else {
            for check in checks { print("\(check.skipped == true ? "skip" : check.passed ? "ok  " : "FAIL") \(check.name): \(check.detail)") }
        }
        // Without the database the checks could not be made: exit status 2, as every command answers it.
        if databaseUnreachable { throw ExitCode(ExitStatus.couldNotRun) }
        if checks.contains(where: { !$0.passed }) { throw ExitCode(ExitStatus.differences) }
    }

    static func retiredRouteChecks(_ base: String) async -> [Check] {
        var checks: [Check] = []
        for route in retiredSyncRoutes {
            var request = HTTPClientRequest(url: base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + route.path)
            request.method = .init(rawValue: route.method.rawValue)
            let name = "retired \(route.method) \(route.path)"
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 1 << 16)
                checks.append(
                    Check(
                        name: name,
                        passed: response.status.code == 410,
                        detail: "answers \(response.status.code)\(response.status.code == 410 ? "" : ", expected 410")"
                    )
                )
            } catch {
                checks.append(Check(name: name, passed: false, detail: "no answer: \(error)"))
            }
        }
        return checks
    }
}
