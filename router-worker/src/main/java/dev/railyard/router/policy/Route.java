package dev.railyard.router.policy;

import dev.railyard.schema.event.JobError;
import dev.railyard.schema.event.RoutingDecision;

/** What a routing policy makes of a job: a deployment to send it to, or the reason there is none. */
public sealed interface Route {

    record Routed(RoutingDecision decision) implements Route {
    }

    record Unroutable(JobError error) implements Route {
    }
}
