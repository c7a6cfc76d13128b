package dev.kvsjoin.bench;

import java.util.Map;

/**
 * What one run of one build measured. Times in milliseconds, CPU in milliseconds of user plus system time, memory
 * in kibibytes. "At first response" readings are taken once the runtime has answered the first event and asked for
 * the next: the JVM is then blocked on the Runtime API, so the readings are exact, not a race with the process.
 *
 * @param coldStartMs process start to the first response, without the pause the benchmark takes between init end
 *                    and handing out the event: {@code initMs + firstInvocationMs}
 * @param initMs process start to the runtime's first {@code GET /next}
 * @param restoreMs process start to {@code GET /restore/next} (primed mode only, else {@code NaN}): init plus
 *                  the {@code beforeCheckpoint} hooks
 * @param firstInvocationMs the first event handed out to its response received, at the Runtime API
 * @param pauseMs the benchmark's own pause at init end (taking readings), left out of {@code coldStartMs}
 * @param classesAtInitEnd classes loaded by init end, {@code -1} when not logged (also {@code classesAtFirstResponse})
 * @param kinesisVideoCalls requests the local Kinesis Video endpoint received during the run, per operation
 */
record RunResult(
        String build,
        int round,
        int position,
        double coldStartMs,
        double initMs,
        double restoreMs,
        double firstInvocationMs,
        double pauseMs,
        double cpuAtInitEndMs,
        double cpuAtFirstResponseMs,
        int classesAtInitEnd,
        int classesAtFirstResponse,
        long peakRssKibAtFirstResponse,
        int warmCount,
        double warmP50Ms,
        double warmP99Ms,
        double warmMaxMs,
        Map<String, Integer> kinesisVideoCalls) {

    double cpuDuringFirstInvocationMs() {
        return cpuAtFirstResponseMs - cpuAtInitEndMs;
    }

    int classesDuringFirstInvocation() {
        return classesAtInitEnd < 0 ? -1 : classesAtFirstResponse - classesAtInitEnd;
    }
}
