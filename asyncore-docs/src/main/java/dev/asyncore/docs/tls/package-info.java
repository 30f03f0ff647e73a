/** Snippets of the guide's page on TLS. */
package dev.asyncore.docs.tls;
