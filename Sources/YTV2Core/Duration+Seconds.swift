extension Duration {
    /// The duration in seconds, fractions included (leases, retry delays, timings in reports).
    package var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
