import Prometheus

extension RouterMetrics {
    /// Every metric's name and help text, spelled once: registering at start, updating at each
    /// scrape and forgetting a replica all read them here (promtool wants help on every metric).
    enum Metric {
        static var buildInfo: MetricNameDescriptor {
            RouterMetrics.named("routertop_build_info", "1, labelled with the routertop version.")
        }
        static var settingsOnTrialSeconds: MetricNameDescriptor {
            RouterMetrics.named("routertop_settings_on_trial_seconds", "How long the live settings have been on trial; 0 when none are.")
        }
        static var requestDurationSeconds: MetricNameDescriptor {
            RouterMetrics.named("routertop_request_duration_seconds", "Requests from admission to their last byte (or their failure), in seconds, by outcome.")
        }
        static var serveNumSchedulingTasks: MetricNameDescriptor {
            RouterMetrics.named("serve_num_scheduling_tasks", "The number of request scheduling tasks in the router.")
        }
        static var serveNumSchedulingTasksInBackoff: MetricNameDescriptor {
            RouterMetrics.named("serve_num_scheduling_tasks_in_backoff", "The number of request scheduling tasks in the router that are undergoing backoff.")
        }
        static var requestsTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_requests_total", "Requests that ended, by outcome.")
        }
        static var failedRequestsTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_failed_requests_total", "Failed requests, by reason.")
        }
        static var routingAttemptsTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_routing_attempts_total", "Routing attempts: those that found a replica and those that found none.")
        }
        static var backoffSleepsTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_backoff_sleeps_total", "Backoff sleeps taken by routing tasks (immediate first retries are not sleeps).")
        }
        static var settingsChangesTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_settings_changes_total", "Changes and undos of the live settings.")
        }
        static var controlSnapshotsSkippedTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_control_snapshots_skipped_total", "Snapshots a stream skipped because its client had not read the previous one yet.")
        }
        static var setting: MetricNameDescriptor {
            RouterMetrics.named("routertop_setting", "The live router settings, by scenario-file key.")
        }
        static var serveRequestRouterFulfillmentTimeMs: MetricNameDescriptor {
            RouterMetrics.named("serve_request_router_fulfillment_time_ms",
                  "Time in milliseconds that a request spent waiting in the queue before being assigned to a replica.")
        }
        static var backoffWaitSeconds: MetricNameDescriptor {
            RouterMetrics.named("routertop_backoff_wait_seconds", "Backoff waits of routing tasks after failed attempts, in seconds.")
        }
        static var probeDurationSeconds: MetricNameDescriptor {
            RouterMetrics.named("routertop_probe_duration_seconds", "Round trip of answered queue-length probes, in seconds.")
        }
        static var serveRequestRouterQueueLen: MetricNameDescriptor {
            RouterMetrics.named("serve_request_router_queue_len", "The number of requests on a replica as tracked by the router's queue length cache.")
        }
        static var replicaInFlight: MetricNameDescriptor {
            RouterMetrics.named("routertop_replica_in_flight", "Requests the router sent to a replica and that have not finished.")
        }
        static var replicaQueueLength: MetricNameDescriptor {
            RouterMetrics.named("routertop_replica_queue_length", "A replica's queue length as the router knows it (cache, probe or own count).")
        }
        static var replicaMaxOngoing: MetricNameDescriptor {
            RouterMetrics.named("routertop_replica_max_ongoing", "The most requests a replica takes at once (configured, or as it reports).")
        }
        static var replicaState: MetricNameDescriptor {
            RouterMetrics.named("routertop_replica_state", "1 for the state each replica is in, 0 for the others.")
        }
        static var probeTimeoutsTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_probe_timeouts_total", "Queue-length probes that timed out, by replica.")
        }
        static var modelRequestsTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_model_requests_total", "Requests for a model, by whether the replica they went to held it (hit) or not (miss).")
        }
        static var modelLoadsTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_model_loads_total", "Models that appeared in a replica's reports: the loads the router saw.")
        }
        static var replicaRequestsTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_replica_requests_total",
                  "Requests sent to a replica, by how that send ended: completed, refused (the replica was full), "
                + "failed (it failed and the request failed), rerouted (it failed and the request was routed again), "
                + "cancelled (the client gave up or the request timed out).")
        }
        static var controlConnectionsRefusedTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_control_connections_refused_total",
                  "Control API connections refused because their listener's connection limit was reached, by listener.")
        }
        static var controlConnectionsClosedTotal: MetricNameDescriptor {
            RouterMetrics.named("routertop_control_connections_closed_total",
                  "Control API connections the server closed, by reason (header or idle timeout, malformed request).")
        }
    }
}
