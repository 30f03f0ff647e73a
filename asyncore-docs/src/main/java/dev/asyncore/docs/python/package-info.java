/** Snippets of the guide's page on the asyncore to Java mapping. */
package dev.asyncore.docs.python;
