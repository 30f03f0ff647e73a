package dev.asyncore.boot.autoconfigure;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Offload;
import dev.asyncore.boot.server.AsyncoreServerFactory;
import dev.asyncore.boot.server.InvalidAsyncorePropertyException;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Makes each TCP server's {@link Offload} from {@code asyncore.offload.*} and {@code asyncore.servers.<name>.offload.*}: one
 * offload per server, so that its limits and figures are the server's, all of them on one executor, chosen by
 * {@code asyncore.offload.executor}. Used once, on the context-refresh thread.
 */
final class AsyncoreOffloads {

    /** Spring Boot's task executor bean ({@code TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME}). */
    static final String APPLICATION_TASK_EXECUTOR = "applicationTaskExecutor";

    static final String AUTO = "auto";

    static final String APPLICATION = "application";

    static final String ASYNCORE = "asyncore";

    private static final String PROPERTY = "asyncore.offload.executor";

    private final AsyncoreProperties properties;

    private final ListableBeanFactory beanFactory;

    private Executor executor;

    private String executorName;

    AsyncoreOffloads(AsyncoreProperties properties, ListableBeanFactory beanFactory) {
        this.properties = properties;
        this.beanFactory = beanFactory;
    }

    /** Gives the server its own offload on the shared executor, with the limits that apply to it. */
    void configure(String name, AsyncoreProperties.Server server, AsyncoreServerFactory factory) {
        OffloadProperties defaults = this.properties.getOffload();
        ServerOffloadProperties own = server.getOffload();
        int perConnection = orElse(own.getMaxInFlightPerConnection(), defaults.getMaxInFlightPerConnection());
        int inFlight = orElse(own.getMaxInFlight(), defaults.getMaxInFlight());
        int waiting = orElse(own.getMaxWaiting(), defaults.getMaxWaiting());
        boolean interrupt =
                own.getInterruptOnClose() != null ? own.getInterruptOnClose() : defaults.isInterruptOnClose();
        Executor shared = executor();
        Offload offload = Offload.builder()
                .executor(shared)
                .maxInFlightPerDispatcher(perConnection)
                .maxInFlight(inFlight)
                .maxWaiting(waiting)
                .interruptOnClose(interrupt)
                .name(name)
                .listener(factory.getOffloadListeners())
                .build();
        factory.setOffload(offload, this.executorName);
    }

    private static int orElse(Integer own, int defaults) {
        return own != null ? own : defaults;
    }

    /** The executor {@code asyncore.offload.executor} names, resolved once. */
    Executor executor() {
        if (this.executor == null) {
            resolve();
        }
        return this.executor;
    }

    private void resolve() {
        String choice = this.properties.getOffload().getExecutor();
        String value = choice == null ? "" : choice.trim();
        if (value.isEmpty()) {
            throw new InvalidAsyncorePropertyException(
                    PROPERTY,
                    choice,
                    "the offload needs an executor",
                    "Set " + PROPERTY + " to auto, application, asyncore or the name of an Executor bean.");
        }
        switch (value) {
            case AUTO -> {
                if (isExecutorBean(APPLICATION_TASK_EXECUTOR)) {
                    use(APPLICATION_TASK_EXECUTOR);
                } else {
                    useAsyncore();
                }
            }
            case APPLICATION -> {
                if (!isExecutorBean(APPLICATION_TASK_EXECUTOR)) {
                    throw new InvalidAsyncorePropertyException(
                            PROPERTY,
                            value,
                            "the application has no " + APPLICATION_TASK_EXECUTOR + " bean (Spring Boot defines it "
                                    + "unless the application declares an Executor bean of its own)",
                            "Set " + PROPERTY + " to auto or asyncore, or to the name of one of the application's "
                                    + "Executor beans: " + executorBeans() + ".");
                }
                use(APPLICATION_TASK_EXECUTOR);
            }
            case ASYNCORE -> useAsyncore();
            default -> {
                if (isExecutorBean(value) && this.beanFactory.isTypeMatch(value, AsyncLoop.class)) {
                    throw new InvalidAsyncorePropertyException(
                            PROPERTY,
                            value,
                            "'" + value + "' is an asyncore loop: the blocking calls would run on a loop thread, "
                                    + "which is what the offload is there to avoid",
                            "Set " + PROPERTY + " to auto, application or asyncore, or to the name of one of the "
                                    + "application's Executor beans: " + executorBeans() + ".");
                }
                if (!isExecutorBean(value)) {
                    throw new InvalidAsyncorePropertyException(
                            PROPERTY,
                            value,
                            "there is no Executor bean named '" + value + "'",
                            "Set " + PROPERTY + " to auto, application or asyncore, or to the name of one of the "
                                    + "application's Executor beans: " + executorBeans() + ".");
                }
                use(value);
            }
        }
    }

    private boolean isExecutorBean(String name) {
        return this.beanFactory.containsBean(name) && this.beanFactory.isTypeMatch(name, Executor.class);
    }

    private void use(String bean) {
        this.executor = this.beanFactory.getBean(bean, Executor.class);
        this.executorName = bean;
    }

    private void useAsyncore() {
        this.executor = Offload.defaultExecutor();
        this.executorName = ASYNCORE;
    }

    /** The Executor beans that may run blocking calls: not the loops, which are Executors too. */
    private List<String> executorBeans() {
        return Stream.of(this.beanFactory.getBeanNamesForType(Executor.class, false, false))
                .filter((name) -> !this.beanFactory.isTypeMatch(name, AsyncLoop.class))
                .toList();
    }
}
