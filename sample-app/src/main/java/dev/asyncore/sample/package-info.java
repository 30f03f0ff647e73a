/** The sample application: echo, chat and key-value servers declared in {@code application.yml}, and a client dispatcher of its own. */
package dev.asyncore.sample;
