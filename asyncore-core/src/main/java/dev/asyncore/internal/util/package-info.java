/** Small rules the machinery and the API share: rate-limited failure lines, which failures escape the loop. */
package dev.asyncore.internal.util;
