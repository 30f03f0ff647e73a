/**
 * Small rules the machinery and the API share: rate-limited failure lines, which failures escape the loop, the file
 * numbers dispatchers are keyed by.
 */
package dev.asyncore.internal.util;
