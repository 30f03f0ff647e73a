/**
 * The machinery behind {@code Offload} and {@code Dispatcher.executeBlocking}: the executor's bounds and figures
 * ({@link dev.asyncore.internal.offload.OffloadRunner}), one dispatcher's calls in order
 * ({@link dev.asyncore.internal.offload.BlockingCalls}), each call's state, and the shared default executor.
 */
package dev.asyncore.internal.offload;
