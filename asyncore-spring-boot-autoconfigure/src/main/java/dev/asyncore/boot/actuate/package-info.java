/** Actuator support for asyncore: the {@code asyncore} endpoint, the health indicator and Micrometer metrics. */
package dev.asyncore.boot.actuate;
