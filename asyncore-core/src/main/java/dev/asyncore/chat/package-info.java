/** Python's asynchat on top of {@link dev.asyncore.Dispatcher}: terminator framing, producers and bounded buffers. */
package dev.asyncore.chat;
