package dev.kvsjoin.join;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.PartitionMetadata;

/**
 * The ARN of a Kinesis Video signaling channel, valid by construction: it matches the storage service model's
 * {@code ChannelArn} pattern, stays within the control plane's 1024-character {@code ResourceARN} limit, names a
 * {@code channel}, and its region can exist in its partition. Its region decides where both service calls go.
 *
 * <p>A region is accepted when its partition is one the SDK knows and the name matches that partition's region
 * pattern (for {@code aws}: {@code us|eu|ap|sa|ca|me|af|il|mx}, a word, a number), so a region opened after the
 * SDK's release still works, while a name that no AWS region can have is the caller's mistake, refused before any
 * client is built or call made.
 */
public record ChannelArn(String value, String partition, String region, String account) {

    /** From the Kinesis Video WebRTC Storage service model, shape {@code ChannelArn}. */
    static final Pattern PATTERN = Pattern.compile(
            "^arn:(aws[a-zA-Z-]*):kinesisvideo:([a-z0-9-]+):([0-9]+):([a-z]+)/[a-zA-Z0-9_.-]+/[0-9]+$");
    static final int MAX_LENGTH = 1024;
    /** Longer than any AWS region name (the longest today have 14 characters). */
    static final int MAX_REGION_LENGTH = 32;
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
        if (!m.group(4).equals("channel")) {
            return FIELD + ": must name a signaling channel (resource type channel); the ARN names another"
                    + " resource type";
        }
        PartitionMetadata partition = PartitionMetadata.of(m.group(1));
        if (partition == null) {
            return FIELD + ": names a partition AWS does not have (expected aws, aws-cn, aws-us-gov, ...)";
        }
        String region = m.group(2);
        if (region.length() > MAX_REGION_LENGTH || !Pattern.matches(partition.regionRegex(), region)) {
            return FIELD + ": names a region that cannot exist in the partition " + partition.id()
                    + " (received a region of " + region.length() + " characters)";
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

    /** The channel's name: the part between {@code channel/} and the creation time. */
    public String name() {
        int start = value.indexOf('/') + 1;
        return value.substring(start, value.lastIndexOf('/'));
    }

    @Override
    public String toString() {
        return value;
    }
}
