package dev.asyncore.boot.context;

import dev.asyncore.AsyncLoop;
import dev.asyncore.Dispatcher;
import dev.asyncore.DispatcherMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Moves {@link Dispatcher} beans into the managed {@link DispatcherMap}, so that a {@code @Component} dispatcher runs on the
 * managed loop even when it was constructed with asyncore's default map.
 *
 * <p>A dispatcher that already uses the managed map (it declared a {@code DispatcherMap} constructor parameter, the recommended
 * form) is left alone. Called on whatever thread creates the bean; once the loop runs, the move
 * is handed to the loop thread.
 */
public class DispatcherBeanRegistrar implements BeanPostProcessor {

    private final ObjectProvider<DispatcherMap> map;

    private final ObjectProvider<AsyncLoop> loop;

    /**
     * Creates the registrar; the map and loop are looked up when the first dispatcher bean appears.
     *
     * @param map the managed map
     * @param loop the managed loop
     */
    public DispatcherBeanRegistrar(ObjectProvider<DispatcherMap> map, ObjectProvider<AsyncLoop> loop) {
        this.map = map;
        this.loop = loop;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof Dispatcher dispatcher) {
            register(dispatcher);
        }
        return bean;
    }

    private void register(Dispatcher dispatcher) {
        DispatcherMap managed = this.map.getIfAvailable();
        if (managed == null || dispatcher.map() == managed) {
            return;
        }
        AsyncLoop managedLoop = this.loop.getIfAvailable();
        if (managedLoop != null && managedLoop.isRunning() && !managedLoop.inEventLoop()) {
            managedLoop.execute(() -> move(dispatcher, managed));
        } else {
            move(dispatcher, managed);
        }
    }

    private static void move(Dispatcher dispatcher, DispatcherMap managed) {
        dispatcher.moveTo(managed);
    }
}
