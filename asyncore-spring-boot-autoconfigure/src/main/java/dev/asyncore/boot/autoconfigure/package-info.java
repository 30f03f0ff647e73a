/** Spring Boot auto-configuration of the managed asyncore loop, its servers and the Actuator support. */
package dev.asyncore.boot.autoconfigure;
