/**
 * Test support for handlers: {@link dev.asyncore.testing.EmbeddedLoop} runs dispatchers over in-memory channels on the
 * calling thread (feed bytes, read what they sent, see them close), and {@link dev.asyncore.testing.LoopbackServer} runs a
 * real server on a loopback port the system picks, for integration tests.
 */
package dev.asyncore.testing;
