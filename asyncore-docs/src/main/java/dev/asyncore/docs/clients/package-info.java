/** Snippets of the guide's page on clients. */
package dev.asyncore.docs.clients;
