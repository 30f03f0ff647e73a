/**
 * The machinery behind the API and its seams: {@link dev.asyncore.internal.ChannelAccess} (what the loop calls on a
 * channel), {@link dev.asyncore.internal.TransportOwner} (what a transport needs from its dispatcher) and
 * {@link dev.asyncore.internal.DatagramCounter}; not exported by the module, no compatibility promised.
 */
package dev.asyncore.internal;
