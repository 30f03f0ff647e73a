package dev.asyncore.sample.kv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing of {@code kv} request lines, without sockets or a database. */
class KvCommandTest {

    @Test
    void parsesEachVerbCaseInsensitively() {
        assertThat(KvCommand.parse("SET a 1")).isEqualTo(new KvCommand.Set("a", "1"));
        assertThat(KvCommand.parse("set a 1")).isEqualTo(new KvCommand.Set("a", "1"));
        assertThat(KvCommand.parse("GET a")).isEqualTo(new KvCommand.Get("a"));
        assertThat(KvCommand.parse("Del a")).isEqualTo(new KvCommand.Del("a"));
    }

    @Test
    void theValueIsTheRestOfTheLineAfterOneSpace() {
        assertThat(KvCommand.parse("SET k  two  spaces ")).isEqualTo(new KvCommand.Set("k", " two  spaces "));
        assertThat(KvCommand.parse("SET k v\r")).isEqualTo(new KvCommand.Set("k", "v"));
        assertThat(KvCommand.parse("SET k a\tb")).isEqualTo(new KvCommand.Set("k", "a\tb"));
    }

    @Test
    void refusesWhatIsNotARequestWithAReason() {
        assertThat(KvCommand.parse("")).isEqualTo(new KvCommand.Invalid("empty line"));
        assertThat(KvCommand.parse("\r")).isEqualTo(new KvCommand.Invalid("empty line"));
        assertThat(KvCommand.parse("GET")).isEqualTo(new KvCommand.Invalid("usage: GET <key>"));
        assertThat(KvCommand.parse("DEL a b")).isEqualTo(new KvCommand.Invalid("usage: DEL <key>"));
        assertThat(KvCommand.parse("SET a")).isEqualTo(new KvCommand.Invalid("usage: SET <key> <value>"));
        assertThat(KvCommand.parse("SET  a")).isEqualTo(new KvCommand.Invalid("usage: SET <key> <value>"));
        assertThat(KvCommand.parse("SET k a\u0000b")).isInstanceOf(KvCommand.Invalid.class);
        assertThat(KvCommand.parse("GET a\u0001")).isInstanceOf(KvCommand.Invalid.class);
        assertThat(((KvCommand.Invalid) KvCommand.parse("FLUSH\u0007ALL now")).reason())
                .isEqualTo("unknown command 'FLUSH?ALL': use SET, GET or DEL");
    }

    @Test
    void enforcesTheKeyAndValueLengths() {
        String key = "k".repeat(KvCommand.MAX_KEY_LENGTH);
        String value = "v".repeat(KvCommand.MAX_VALUE_LENGTH);
        assertThat(KvCommand.parse("SET " + key + " " + value)).isEqualTo(new KvCommand.Set(key, value));
        assertThat(KvCommand.parse("GET " + key + "k")).isInstanceOf(KvCommand.Invalid.class);
        assertThat(KvCommand.parse("SET k " + value + "v")).isInstanceOf(KvCommand.Invalid.class);
        assertThat(("SET " + key + " " + value + "\r").getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(KvHandler.MAX_LINE_LENGTH);
    }
}
