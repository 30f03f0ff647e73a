/**
 * Spring Boot auto-configuration of the managed asyncore loop, its servers and the Actuator support: the configuration
 * classes, the properties and their validation, and the reading of {@code asyncore.servers.*} into server factories, kept
 * beside the properties it reads so that the server packages never import this one.
 */
package dev.asyncore.boot.autoconfigure;
