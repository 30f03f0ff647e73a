package dev.asyncore.sample.kv;

import java.util.Locale;
import java.util.function.Function;

/**
 * One request line of the {@code kv} protocol, parsed: {@code SET <key> <value>}, {@code GET <key>}, {@code DEL <key>}, or
 * an invalid line with the reason its {@code ERR} reply gives. Verbs are case-insensitive; a key is one word (no spaces) of
 * at most {@value #MAX_KEY_LENGTH} characters; a value is the rest of the line after the single space that follows the key
 * (it may contain spaces), at most {@value #MAX_VALUE_LENGTH} characters. Immutable; any thread.
 */
public sealed interface KvCommand {

    /** The longest key, in characters (the {@code k} column is {@code varchar(200)}). */
    int MAX_KEY_LENGTH = 200;

    /** The longest value, in characters (the {@code v} column is {@code varchar(4000)}). */
    int MAX_VALUE_LENGTH = 4000;

    /**
     * {@code SET <key> <value>}: store the value, answer {@code OK}.
     *
     * @param key the key
     * @param value the value, possibly with spaces
     */
    record Set(String key, String value) implements KvCommand {}

    /**
     * {@code GET <key>}: answer {@code VALUE <value>} or {@code NOT_FOUND}.
     *
     * @param key the key
     */
    record Get(String key) implements KvCommand {}

    /**
     * {@code DEL <key>}: answer {@code OK} if the key was there, else {@code NOT_FOUND}.
     *
     * @param key the key
     */
    record Del(String key) implements KvCommand {}

    /**
     * A line that is none of the above: answered {@code ERR <reason>}, without touching the database.
     *
     * @param reason what is wrong with the line
     */
    record Invalid(String reason) implements KvCommand {}

    /**
     * Parses one line, without its {@code \n} (a trailing {@code \r} is ignored here). Any thread.
     *
     * @param line the request line
     * @return the command, or {@link Invalid} with the reason
     */
    static KvCommand parse(String line) {
        String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (text.isEmpty()) {
            return new Invalid("empty line");
        }
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : text.substring(space + 1);
        return switch (verb) {
            case "SET" -> set(rest);
            case "GET" -> keyCommand(rest, "GET", Get::new);
            case "DEL" -> keyCommand(rest, "DEL", Del::new);
            default -> new Invalid("unknown command '" + abbreviate(verb) + "': use SET, GET or DEL");
        };
    }

    private static KvCommand set(String rest) {
        int space = rest.indexOf(' ');
        if (space <= 0 || space == rest.length() - 1) {
            return new Invalid("usage: SET <key> <value>");
        }
        String key = rest.substring(0, space);
        String value = rest.substring(space + 1);
        Invalid badKey = checkKey(key);
        if (badKey != null) {
            return badKey;
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            return new Invalid("value longer than " + MAX_VALUE_LENGTH + " characters");
        }
        if (value.chars().anyMatch((c) -> c != '\t' && Character.isISOControl(c))) {
            return new Invalid("a value has no control characters but tabs");
        }
        return new Set(key, value);
    }

    private static KvCommand keyCommand(String rest, String verb, Function<String, KvCommand> command) {
        if (rest.isEmpty() || rest.indexOf(' ') >= 0) {
            return new Invalid("usage: " + verb + " <key>");
        }
        Invalid badKey = checkKey(rest);
        return badKey != null ? badKey : command.apply(rest);
    }

    private static Invalid checkKey(String key) {
        if (key.length() > MAX_KEY_LENGTH) {
            return new Invalid("key longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            return new Invalid("a key has no control characters");
        }
        return null;
    }

    private static String abbreviate(String verb) {
        String shown = verb.length() <= 16 ? verb : verb.substring(0, 16) + "...";
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
