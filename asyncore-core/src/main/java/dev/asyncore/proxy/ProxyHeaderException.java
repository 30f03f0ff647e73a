package dev.asyncore.proxy;

import java.io.IOException;

/** A PROXY protocol header is malformed, or is not a PROXY protocol header at all. The message says what was wrong. */
public class ProxyHeaderException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong with the header
     */
    public ProxyHeaderException(String message) {
        super(message);
    }
}
