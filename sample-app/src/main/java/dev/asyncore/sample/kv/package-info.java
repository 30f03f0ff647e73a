/** The sample's {@code kv} server: a line protocol over a Spring JDBC repository, its calls offloaded from the loop. */
package dev.asyncore.sample.kv;
