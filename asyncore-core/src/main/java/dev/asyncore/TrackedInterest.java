package dev.asyncore;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that the {@link Dispatcher#readable()} and {@link Dispatcher#writable()} a class defines change only through
 * events dispatched to the same dispatcher, through the calls on it that an {@link AsyncLoop} watches ({@code send},
 * {@code recv}, {@code connect}, {@code listen}, {@code close}, the state setters, the queueing methods of
 * {@link DispatcherWithSend} and {@code AsyncChat}), or after an explicit {@link Dispatcher#interestChanged()}.
 *
 * <p>An {@link AsyncLoop} asks a dispatcher whose class defines its own {@code readable()} or {@code writable()} on every
 * pass, as Python does, so that a change made by another dispatcher's event (a relay filling its partner's buffer, a gate
 * opened by another channel) is acted on in the next pass. A pass then costs time in proportion to such dispatchers. A
 * class that carries this annotation on the class that declares those methods is asked only when one of the things above
 * happened (and at each sweep), so that many idle channels cost nothing per pass. The library's own handlers carry it.
 *
 * <p>The rule is checked per class, once: a dispatcher is asked only when its interest may have changed if the classes that
 * declare the {@code readable()} and {@code writable()} it runs are {@link Dispatcher} itself or carry this annotation. A
 * subclass that overrides either method without the annotation is asked every pass again. {@link Asyncore#loop()} asks
 * every channel on every pass regardless.
 *
 * <p>Differs from Python: asyncore has no such declaration; it always asks every channel.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TrackedInterest {}
