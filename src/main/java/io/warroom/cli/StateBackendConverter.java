package io.warroom.cli;

import io.warroom.config.StateBackendChoice;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine;

/** {@code hashmap}, {@code rocksdb} or {@code forst}, as Flink names them; anything else is a one-line refusal. */
final class StateBackendConverter implements CommandLine.ITypeConverter<StateBackendChoice> {
    @Override
    public StateBackendChoice convert(String value) {
        return Arrays.stream(StateBackendChoice.values())
                .filter(choice -> choice.flinkName().equals(value.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new CommandLine.TypeConversionException(
                        "'" + value + "' is not a state backend (hashmap, rocksdb or forst)"));
    }
}
