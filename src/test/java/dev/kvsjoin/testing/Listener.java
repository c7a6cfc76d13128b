package dev.kvsjoin.testing;

/**
 * The two listeners of {@link LocalKinesisVideo}, one per service the function calls.
 *
 * <p>Each carries what its service puts in an error answer: the namespace after the error name in
 * {@code x-amzn-ErrorType}, and the member that holds the message (the control plane's model names it
 * {@code Message}, the storage model {@code message}).
 */
public enum Listener {
    /** Kinesis Video control plane (API 2017-09-30): GetSignalingChannelEndpoint. */
    CONTROL("http://internal.amazon.com/coral/com.amazonaws.kinesis.video.v20170930/", "Message"),
    /** Kinesis Video WebRTC Storage (API 2018-05-10), the endpoint the hand-off returns. */
    WEBRTC("http://internal.amazon.com/coral/com.amazonaws.kinesis.video.v20180510/", "message");

    private final String errorNamespace;
    private final String messageMember;

    Listener(String errorNamespace, String messageMember) {
        this.errorNamespace = errorNamespace;
        this.messageMember = messageMember;
    }

    String errorNamespace() {
        return errorNamespace;
    }

    String messageMember() {
        return messageMember;
    }
}
