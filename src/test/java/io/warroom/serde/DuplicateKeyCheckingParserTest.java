package io.warroom.serde;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DuplicateKeyCheckingParserTest {
    @Test
    void aKeyRepeatedInOneObjectFailsAtTheRepeat() {
        assertThatThrownBy(() -> readAll("{\"a\":1,\"b\":2,\"a\":3}"))
                .isInstanceOf(JsonParseException.class).hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> readAll("{\"x\":{\"a\":1,\"a\":2}}")).isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> readAll("{\"lines\":[{\"q\":1},{\"q\":1,\"q\":2}]}"))
                .isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> readAll("{\"\\u0061\":1,\"a\":2}")).isInstanceOf(JsonParseException.class);
    }

    @Test
    void theSameKeyInSiblingOrNestedObjectsIsFine() throws Exception {
        assertThatCode(() -> readAll("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}],\"c\":{\"a\":3}}"))
                .doesNotThrowAnyException();
    }

    @Test
    void largeObjectsAreCheckedToo() {
        String many = IntStream.range(0, 40).mapToObj(i -> "\"k" + i + "\":" + i).collect(Collectors.joining(","));
        assertThatCode(() -> readAll("{" + many + "}")).doesNotThrowAnyException();
        assertThatThrownBy(() -> readAll("{" + many + ",\"k3\":0}")).isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> readAll("{\"o\":{" + many + ",\"k39\":0},\"p\":1}"))
                .isInstanceOf(JsonParseException.class);
        assertThatCode(() -> readAll("{\"o\":{" + many + "},\"p\":{" + many + "}}")).doesNotThrowAnyException();
    }

    /** Reads the way {@link EventParser} does: field names of the top object by nextFieldName, the rest by token. */
    private static void readAll(String json) throws Exception {
        try (JsonParser p = Json.parser(json.getBytes(StandardCharsets.UTF_8))) {
            p.nextToken();
            while (p.nextFieldName() != null) {
                int depth = 0;
                do {
                    switch (p.nextToken()) {
                        case START_OBJECT, START_ARRAY -> depth++;
                        case END_OBJECT, END_ARRAY -> depth--;
                        default -> {}
                    }
                } while (depth > 0);
            }
        }
    }
}
