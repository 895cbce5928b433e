import Foundation

/// The browser UI's files (`Public/`), shipped as package resources so the dashboard works offline.
enum DashboardAssets {
    static var directory: String {
        guard let url = Bundle.module.url(forResource: "Public", withExtension: nil) else {
            preconditionFailure("the packaged Public folder is missing")
        }
        return url.path
    }
}
