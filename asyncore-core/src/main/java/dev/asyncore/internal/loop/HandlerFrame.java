package dev.asyncore.internal.loop;

import java.security.CodeSource;
import java.util.Objects;
import java.util.Set;

import dev.asyncore.AsyncLoop;

/**
 * Names the handler method in a blocked loop thread's stack: walking from the thread's start inwards, past the loop's
 * own machinery (the classes of this library's jar) and the JDK, the first frame of other code is the handler the loop
 * called into ({@code com.example.Slow.handleRead} for a {@code Thread.sleep} inside it). A frame is the library's when
 * its class is in one of the library's packages and comes from the same jar or classes folder as the loop: the package
 * alone would take a user's class in {@code dev.asyncore} for the library's, the jar alone would take every class of an
 * application shaded into one jar with the library for the library's. Any thread; not on the hot path.
 */
final class HandlerFrame {

    private static final String CORE = location(AsyncLoop.class);

    private static final Set<String> CORE_PACKAGES = Set.of(
            "dev.asyncore",
            "dev.asyncore.blockhound",
            "dev.asyncore.chat",
            "dev.asyncore.handler",
            "dev.asyncore.net",
            "dev.asyncore.proxy",
            "dev.asyncore.testing");

    private HandlerFrame() {}

    /**
     * The handler's {@code class.method}, or the innermost frame when every frame is the library's or the JDK's.
     *
     * @param stack a stack, innermost frame first
     * @return the name, or {@code "unknown"} for an empty stack
     */
    static String of(StackTraceElement[] stack) {
        for (int i = stack.length - 1; i >= 0; i--) {
            StackTraceElement e = stack[i];
            // A lambda's own frame says nothing: the method it runs, the next frame in, names the code.
            if (!isJdk(e) && !isCore(e.getClassName()) && !e.getClassName().contains("$$Lambda")) {
                return name(e);
            }
        }
        return stack.length == 0 ? "unknown" : name(stack[0]);
    }

    private static String name(StackTraceElement e) {
        return e.getClassName() + "." + e.getMethodName();
    }

    private static boolean isJdk(StackTraceElement e) {
        String module = e.getModuleName();
        if (module != null && (module.startsWith("java.") || module.startsWith("jdk."))) {
            return true;
        }
        String c = e.getClassName();
        return c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.") || c.startsWith("sun.");
    }

    /** Whether a class comes from the same jar (or classes folder) as the loop: the name alone cannot tell. */
    private static boolean isCore(String className) {
        // A lambda's hidden class cannot be loaded by name: its host class tells where it comes from.
        int lambda = className.indexOf("$$Lambda");
        String host = lambda < 0 ? className : className.substring(0, lambda);
        if (!isCorePackage(host)) {
            return false;
        }
        try {
            Class<?> c = Class.forName(host, false, AsyncLoop.class.getClassLoader());
            return Objects.equals(location(c), CORE);
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return false;
        }
    }

    /** Whether a class name is in one of the library's packages: the root, its API packages or its internal ones. */
    private static boolean isCorePackage(String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        return CORE_PACKAGES.contains(pkg) || pkg.startsWith("dev.asyncore.internal");
    }

    private static String location(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null
                ? null
                : source.getLocation().toString();
    }
}
