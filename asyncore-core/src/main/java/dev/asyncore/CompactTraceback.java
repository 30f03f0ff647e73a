package dev.asyncore;

/**
 * What {@link Asyncore#compactTraceback(Throwable)} returns (Python's {@code compact_traceback()} tuple).
 *
 * @param file the source file of the innermost frame
 * @param function the method of the innermost frame
 * @param line the line number of the innermost frame, as a string (as Python gives it)
 * @param type the exception's class
 * @param value the exception
 * @param info every frame, outermost first, as {@code [file|function|line]} joined by spaces
 */
public record CompactTraceback(
        String file, String function, String line, Class<?> type, Throwable value, String info) {}
