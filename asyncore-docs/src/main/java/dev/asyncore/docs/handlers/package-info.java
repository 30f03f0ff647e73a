/** Snippets of the guide's page on writing handlers. */
package dev.asyncore.docs.handlers;
