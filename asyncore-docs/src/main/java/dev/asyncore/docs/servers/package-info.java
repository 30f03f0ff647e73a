/** Snippets of the guide's page on servers declared in YAML, and on the UDP server of the library. */
package dev.asyncore.docs.servers;
