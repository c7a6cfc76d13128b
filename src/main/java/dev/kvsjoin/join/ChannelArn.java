package dev.kvsjoin.join;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARN of a Kinesis Video signaling channel, valid by construction: it matches the storage service model's
 * {@code ChannelArn} pattern, stays within the control plane's 1024-character {@code ResourceARN} limit and names a
 * {@code channel}. Its region decides where both service calls go.
 */
public record ChannelArn(String value, String partition, String region, String account) {

    /** From the Kinesis Video WebRTC Storage service model, shape {@code ChannelArn}. */
    static final Pattern PATTERN = Pattern.compile(
            "^arn:(aws[a-zA-Z-]*):kinesisvideo:([a-z0-9-]+):([0-9]+):([a-z]+)/[a-zA-Z0-9_.-]+/[0-9]+$");
    static final int MAX_LENGTH = 1024;
    static final String FIELD = "channelArn";

    /** Returns the problem with {@code raw}, or {@code null} when it is a valid channel ARN. */
    static String problem(String raw) {
        if (raw.isEmpty()) {
            return FIELD + ": must not be empty";
        }
        if (raw.length() > MAX_LENGTH) {
            return FIELD + ": must be at most " + MAX_LENGTH + " characters (received " + raw.length() + ")";
        }
        Matcher m = PATTERN.matcher(raw);
        if (!m.matches()) {
            return FIELD + ": must be a Kinesis Video channel ARN like "
                    + "arn:aws:kinesisvideo:<region>:<account>:channel/<name>/<creation-time> (received "
                    + raw.length() + " characters that do not match)";
        }
        String type = m.group(4);
        if (!type.equals("channel")) {
            return FIELD + ": must name a signaling channel (received the resource type "
                    + (type.length() <= 16 ? "'" + type + "'" : "of " + type.length() + " letters") + ")";
        }
        return null;
    }

    /** Builds a channel ARN from a string already checked by {@link #problem}. */
    static ChannelArn of(String valid) {
        Matcher m = PATTERN.matcher(valid);
        if (!m.matches()) {
            throw new IllegalArgumentException(FIELD + ": not validated");
        }
        return new ChannelArn(valid, m.group(1), m.group(2), m.group(3));
    }

    @Override
    public String toString() {
        return value;
    }
}
