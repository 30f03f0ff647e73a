/** The starter's outbound connections: the clients declared under asyncore.clients, their lifecycle and their figures. */
package dev.asyncore.boot.client;
