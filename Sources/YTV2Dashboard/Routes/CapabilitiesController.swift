import Hummingbird

/// `GET /api/capabilities`: which writes this server accepts, so the browser UI offers only those and can say why an
/// action is missing. A write is enabled when its token is configured; the token itself is never revealed.
struct CapabilitiesController: Sendable {
    let adminTokenSet: Bool
    let ingestTokenSet: Bool

    struct Capability: Encodable {
        let enabled: Bool
        /// Why the action is off, in a sentence for a person; absent when it is on.
        let reason: String?

        static func configured(_ isSet: Bool, by variable: String, what: String) -> Capability {
            isSet
                ? Capability(enabled: true, reason: nil)
                : Capability(enabled: false, reason: "\(what) is turned off on this server: it was started without \(variable).")
        }
    }

    struct Capabilities: ResponseEncodableJSON {
        /// `DELETE /api/delete/{id}` and its legacy forms (the admin token).
        let delete: Capability
        /// `POST /ingest/report` and `/ingest/audio` (the ingest token).
        let ingest: Capability
        /// `POST /api/upload-audio` (either token).
        let upload_audio: Capability
    }

    var capabilities: Capabilities {
        Capabilities(
            delete: .configured(adminTokenSet, by: "YTV2_ADMIN_TOKEN", what: "Deleting"),
            ingest: .configured(ingestTokenSet, by: "YTV2_INGEST_TOKEN", what: "Ingesting"),
            upload_audio: .configured(adminTokenSet || ingestTokenSet, by: "YTV2_ADMIN_TOKEN or YTV2_INGEST_TOKEN", what: "Uploading audio")
        )
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/api/capabilities") { _, _ in capabilities }
    }
}
