package io.warroom.serde;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The two accepted forms of {@code ts}: integer epoch milliseconds, or ISO-8601 text with an offset. */
public final class EventTime {
    /** 0001-01-01 to 9999-12-31: wide enough for any real clock, narrow enough that arithmetic cannot overflow. */
    public static final long MIN = -62135596800000L;

    public static final long MAX = 253402300799999L;

    /** What {@link #parseCommonIso} returns for text it leaves to {@code java.time}. */
    static final long NOT_COMMON = Long.MIN_VALUE;

    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private EventTime() {}

    /**
     * Parses ISO-8601 with a mandatory offset ({@code Z} counts), to epoch milliseconds, exactly as
     * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} does (fractions beyond milliseconds are cut off). The form
     * producers write, {@code 2026-11-11T00:00:00.123+08:00}, is read by hand: {@code java.time} took a quarter of
     * the parsing time of a feed with half its timestamps in ISO-8601. Everything else goes to {@code java.time}.
     */
    public static long parseIso(String text) {
        long common = parseCommonIso(text);
        return common != NOT_COMMON ? common : parseAnyIso(text);
    }

    /** {@link #parseIso} by {@code java.time} alone. */
    static long parseAnyIso(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("is not an ISO-8601 timestamp with offset");
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss}, an optional fraction of 1 to 9 digits, then {@code Z} or {@code ±HH:MM}, every
     * field in range; {@link #NOT_COMMON} for anything else, valid or not.
     */
    static long parseCommonIso(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return NOT_COMMON;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return NOT_COMMON;
        }
        int i = 19;
        int millis = 0;
        if (s.charAt(i) == '.') {
            int first = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i - first < 3) {
                    millis = millis * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int fractionDigits = i - first;
            if (fractionDigits < 1 || fractionDigits > 9) {
                return NOT_COMMON;
            }
            for (int k = fractionDigits; k < 3; k++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int offsetHours = digits(s, i + 1, 2);
            int offsetMinutes = digits(s, i + 4, 2);
            if (offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59
                    || offsetHours * 60 + offsetMinutes > 18 * 60) {
                return NOT_COMMON;
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return NOT_COMMON;
        }
        long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1000 + millis;
    }

    /** The ASCII digits at {@code from} as a number, or -1 if any is not one. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int daysInMonth(int year, int month) {
        boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return month == 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
    }

    /** Days from 1970-01-01 in the proleptic Gregorian calendar (years 0 to 9999 here). */
    private static long epochDay(int year, int month, int day) {
        // Counted from March 1st, so that the leap day is the last day of a year.
        int y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    public static boolean inRange(long epochMillis) {
        return epochMillis >= MIN && epochMillis <= MAX;
    }
}
