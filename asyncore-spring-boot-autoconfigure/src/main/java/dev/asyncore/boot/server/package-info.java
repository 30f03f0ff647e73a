/** Named asyncore servers of a Spring application: their settings, binding, customizers and startup failures. */
package dev.asyncore.boot.server;
