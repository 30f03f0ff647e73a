/** TLS over a stream transport: the handshake and records on an {@code SSLEngine}, and the linger after a close. */
package dev.asyncore.internal.tls;
