package dev.kvsjoin.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options Lambda's managed Java runtime starts the function with, as far as they apply outside Lambda.
 *
 * <p>Sources: the command line of the managed {@code java17} runtime as observed in 2023 and 2024 (published by
 * sigpwned/the-lambda-iceberg-dissecting-the-official-java-runtimes: {@code -XX:MaxHeapSize} at 85% of the memory
 * size, {@code -XX:+UseSerialGC}, {@code -Xshare:on} with the runtime's own CDS archive,
 * {@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1}, {@code --add-opens=java.base/java.io=ALL-UNNAMED},
 * {@code -Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac}, {@code -XX:+ErrorFileToStderr}, the native
 * client's path; {@code -Djava.net.preferIPv4Stack=true} appeared in 2023 only), and the Lambda developer guide's
 * "Customize Java runtime startup behavior" page: java17 and java21 stop tiered compilation at level 1; from java25
 * on, so does Lambda except under SnapStart or provisioned concurrency, where the JVM's default applies.
 *
 * <p>Added to stand in for the execution environment: {@code -XX:MaxRAM} at the function's memory size, which is
 * the memory the JVM sees inside Lambda; without it a JVM here sizes its initial heap from the whole machine.
 *
 * <p>Left out: the Log4Shell hot-patch agent ({@code -javaagent:/var/runtime/lib/Log4jHotPatch.jar}), which exists
 * only in Lambda, and the runtime's CDS archive, for which {@code -Xshare:auto} uses the local JDK's default one.
 * Added, on a local JDK 24 or later only: {@code --enable-native-access=ALL-UNNAMED}, without which the JDK warns
 * on standard error when the client loads its native library (JEP 472). That Lambda's java25 runtime passes it too
 * is an assumption: no published command line of that runtime was found.
 */
final class LambdaJvmFlags {

    /** Lambda gives the heap 85% of the function's memory. */
    static final int HEAP_PERCENT = 85;

    private LambdaJvmFlags() {
    }

    /**
     * @param javaVersion the managed runtime's version (25 for {@code java25})
     * @param localJavaVersion the version of the JDK that runs the function here
     * @param snapStart whether the environment is initialised for a SnapStart snapshot
     */
    static List<String> of(int javaVersion, int localJavaVersion, int memoryMb, boolean snapStart,
                           Path nativeLibrary) {
        List<String> flags = new ArrayList<>();
        flags.add("-XX:MaxHeapSize=" + Math.round(memoryMb * 1024.0 * HEAP_PERCENT / 100) + "k");
        // The execution environment's memory is the function's memory size: the JVM sizes its initial heap and
        // young generation from it, not from the size of the machine running it here.
        flags.add("-XX:MaxRAM=" + memoryMb + "m");
        flags.add("-XX:+UseSerialGC");
        flags.add("-Xshare:auto");
        if (javaVersion < 25 || !snapStart) {
            flags.add("-XX:+TieredCompilation");
            flags.add("-XX:TieredStopAtLevel=1");
        }
        flags.add("--add-opens=java.base/java.io=ALL-UNNAMED");
        flags.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        flags.add("-XX:+ErrorFileToStderr");
        if (localJavaVersion >= 24) {
            flags.add("--enable-native-access=ALL-UNNAMED");
        }
        flags.add("-D" + RuntimeClient.JNI_PROPERTY + "=" + nativeLibrary);
        return List.copyOf(flags);
    }
}
