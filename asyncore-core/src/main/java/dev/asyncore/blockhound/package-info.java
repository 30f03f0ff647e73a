/** A BlockHound integration that makes a test fail when handler code blocks an asyncore loop thread. */
package dev.asyncore.blockhound;
