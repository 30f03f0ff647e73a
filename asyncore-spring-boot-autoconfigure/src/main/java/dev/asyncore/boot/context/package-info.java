/** Ties the asyncore loop and servers to the Spring application context: lifecycle, published ports, events and logging. */
package dev.asyncore.boot.context;
