/**
 * The PROXY protocol (versions 1 and 2) that load balancers such as HAProxy send before a connection's first byte to pass
 * the client's address: an incremental parser ({@link dev.asyncore.proxy.ProxyHeaderParser}) and its result
 * ({@link dev.asyncore.proxy.ProxyHeader}). Usable without Spring; {@link dev.asyncore.handler.ServerDispatcher} reads the
 * header before it makes a connection's handler.
 */
package dev.asyncore.proxy;
