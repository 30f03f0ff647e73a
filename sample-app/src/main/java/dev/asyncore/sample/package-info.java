/** The sample application: echo and chat servers declared in {@code application.yml}, and a client dispatcher of its own. */
package dev.asyncore.sample;
