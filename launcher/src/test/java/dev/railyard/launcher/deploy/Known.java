package dev.railyard.launcher.deploy;

import dev.railyard.config.RailyardConfig;
import java.util.Set;

/**
 * What the code says, for checking the deployment files against it.
 *
 * @param serviceNames the names {@code railyard service <name>} accepts
 * @param envNames     environment variables some part of Railyard reads
 * @param metricNames  documented Prometheus metric names
 * @param config       deploy/railyard.yaml as the real ConfigLoader reads it
 * @param adminPort    the admin port every service process serves /metrics and /health/* on by default
 */
record Known(Set<String> serviceNames, Set<String> envNames, Set<String> metricNames, RailyardConfig config, int adminPort) {
}
