/**
 * Ready-made dispatchers: the echo handler with bounded buffering ({@link dev.asyncore.handler.EchoHandler},
 * {@link dev.asyncore.handler.EchoServer}) and a listening server that hands each accepted connection to a
 * {@link dev.asyncore.handler.HandlerFactory}, with a connection limit, an idle timeout, socket options, the PROXY
 * protocol and address rules ({@link dev.asyncore.handler.ServerDispatcher}). Usable without Spring; the starter builds its
 * servers from them. They run on the loop thread of their map, as every dispatcher does.
 */
package dev.asyncore.handler;
