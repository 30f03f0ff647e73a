/** Snippets of the guide's page on threading and several loops. */
package dev.asyncore.docs.threading;
