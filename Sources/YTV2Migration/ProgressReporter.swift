import Foundation

/// Shows progress of long migration steps: a bar redrawn in place on a terminal, nothing when standard error is a
/// pipe or a file (so logs and CI output stay clean).
package final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private var label = ""
    private var total = 0
    private var done = 0
    private var started = Date()
    private var lastDraw = Date.distantPast

    package init(enabled: Bool) { self.enabled = enabled }

    /// Draws only when standard error is a terminal.
    package static func forTerminal() -> ProgressReporter { ProgressReporter(enabled: isatty(STDERR_FILENO) == 1) }
    package static let silent = ProgressReporter(enabled: false)

    /// A step without a count ("copying dashboard.db").
    package func stage(_ text: String) {
        guard enabled else { return }
        lock.withLock {
            finishLine()
            FileHandle.standardError.write(Data("\(text)…\n".utf8))
        }
    }

    package func begin(_ label: String, total: Int) {
        lock.withLock {
            finishLine()
            self.label = label
            self.total = max(total, 0)
            done = 0
            started = Date()
            lastDraw = .distantPast
        }
    }

    package func advance(by count: Int = 1) {
        lock.withLock {
            done += count
            guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
            draw()
        }
    }

    package func end() {
        lock.withLock {
            if enabled, !label.isEmpty { draw() }
            finishLine()
        }
    }

    private func draw() {
        lastDraw = Date()
        let width = 30
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Int(Double(done) / elapsed)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(label) \(bar) \(Int(fraction * 100))% \(done)/\(total) (\(rate)/s)\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    private func finishLine() {
        guard enabled, !label.isEmpty else { return }
        FileHandle.standardError.write(Data("\n".utf8))
        label = ""
    }
}
