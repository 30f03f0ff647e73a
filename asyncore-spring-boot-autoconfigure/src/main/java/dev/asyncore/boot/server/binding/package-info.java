/**
 * Turns the bound {@code asyncore.servers.*} and {@code asyncore.offload.*} properties into server factories, resolving
 * handlers, SSL bundles and the offload executor among the application's beans.
 */
package dev.asyncore.boot.server.binding;
