package io.warroom.testkit;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * What some loggers of this JVM log while a test runs, at {@code INFO} and above whatever the test configuration
 * says, each event as {@code LEVEL logger - message}. Close it to detach.
 */
public final class CapturedLog implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final List<String> loggers;
    private final AbstractAppender appender;

    private CapturedLog(List<String> loggers) {
        this.loggers = loggers;
        this.appender = new AbstractAppender("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getLoggerName() + " - "
                        + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        config.addAppender(appender);
        for (String logger : loggers) {
            LoggerConfig loggerConfig = new LoggerConfig(logger, Level.INFO, true);
            loggerConfig.addAppender(appender, null, null);
            config.addLogger(logger, loggerConfig);
        }
        context.updateLoggers();
    }

    public static CapturedLog of(Class<?>... loggers) {
        return new CapturedLog(java.util.Arrays.stream(loggers).map(Class::getName).toList());
    }

    /** The captured lines of {@code level}. */
    public List<String> lines(Level level) {
        return lines.stream().filter(line -> line.startsWith(level.name() + " ")).toList();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        loggers.forEach(config::removeLogger);
        context.updateLoggers();
        appender.stop();
    }
}
