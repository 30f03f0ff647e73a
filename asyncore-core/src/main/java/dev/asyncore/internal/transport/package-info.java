/** What a dispatcher's socket is: one transport per kind of channel (stream, listening, datagram, any other). */
package dev.asyncore.internal.transport;
