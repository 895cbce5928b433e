import Metrics
import Prometheus

/// The process-wide Prometheus registry behind swift-metrics (the metrics system can be bootstrapped once per process).
enum DashboardMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
