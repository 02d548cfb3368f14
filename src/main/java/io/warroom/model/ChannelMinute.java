package io.warroom.model;

/** pv of one traffic channel in one event-time minute ({@code [minuteStart, minuteStart + 60 s)}). */
public record ChannelMinute(String channel, long minuteStart, long pv) {}
