package dev.asyncore.blockhound;

import java.lang.management.ManagementFactory;

import reactor.blockhound.BlockHound;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Installs BlockHound, with the integrations it finds, for the tests of the {@code blockhound} surefire execution. */
public final class BlockHoundSupport {

    private BlockHoundSupport() {}

    /**
     * Installs BlockHound (once per JVM; a second call does nothing), or skips the calling test where it cannot work,
     * saying why: on JDK 13+ it needs {@code -XX:+AllowRedefinitionToAddDeleteMethods}, which only the {@code blockhound}
     * execution sets (a {@code -Dtest=...} run also tries these tests in the default execution).
     */
    public static void installOrSkip() {
        boolean flag = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.equals("-XX:+AllowRedefinitionToAddDeleteMethods"));
        assumeTrue(
                flag || Runtime.version().feature() < 13,
                "BlockHound needs -XX:+AllowRedefinitionToAddDeleteMethods on JDK 13+: these tests run in the"
                        + " 'blockhound' surefire execution, which sets it");
        BlockHound.install();
    }
}
