package dev.kvsjoin.trigger;

/** Who invoked the function, recognised from the event's shape; the name is what the logs call it. */
public enum Trigger {
    /** API Gateway HTTP API, payload format 2.0. */
    HTTP_API("apigateway-http", true),
    /** API Gateway REST API proxy integration (and HTTP API payload format 1.0). */
    REST_API("apigateway-rest", true),
    /** An EventBridge rule event whose {@code detail} is the request. */
    EVENTBRIDGE("eventbridge", false),
    /** EventBridge Scheduler's default envelope ({@code source} {@code aws.scheduler}, {@code detail} a string). */
    SCHEDULER("scheduler", false),
    /** The request itself: Step Functions task, direct invoke, or a schedule's constant input. */
    DIRECT("direct", false);

    private final String logName;
    private final boolean http;

    Trigger(String logName, boolean http) {
        this.logName = logName;
        this.http = http;
    }

    public String logName() {
        return logName;
    }

    /**
     * Whether Lambda invokes the function asynchronously for this trigger, so that a thrown error is what makes it
     * retry the event and finally keep it in the failure destination.
     */
    public boolean isAsynchronous() {
        return this == EVENTBRIDGE || this == SCHEDULER;
    }

    /** Whether the caller expects an API Gateway proxy response rather than a result or an error. */
    public boolean isHttp() {
        return http;
    }
}
