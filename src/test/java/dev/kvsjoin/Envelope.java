package dev.kvsjoin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Every way a request document reaches the function, as the trigger wraps it; API Gateway envelopes carry an IAM
 * caller, as the template's default authorizer gives. The document goes in as raw bytes,
 * so a test can hand over bytes that are not UTF-8 or not JSON and see where the function finds the fault.
 */
enum Envelope {
    /** API Gateway HTTP API, payload 2.0, body as a JSON string. */
    HTTP_API_PLAIN(true, false),
    /** API Gateway HTTP API, payload 2.0, base64 body. */
    HTTP_API_BASE64(true, true),
    /** API Gateway REST API proxy (payload 1.0), body as a JSON string. */
    REST_PLAIN(true, false),
    /** API Gateway REST API proxy (payload 1.0), base64 body. */
    REST_BASE64(true, true),
    /** An EventBridge rule event whose detail object is the document. */
    EVENTBRIDGE(false, false),
    /** EventBridge Scheduler's envelope, detail a string holding the document. */
    SCHEDULER(false, false),
    /** A direct invoke or Step Functions task: the document is the event. */
    DIRECT(false, false);

    static final String HTTP_API = """
            {"version":"2.0","routeKey":"POST /join","rawPath":"/join","rawQueryString":"",
             "headers":{"content-type":"application/json","x-amzn-trace-id":"Root=1-0-0"},
             "requestContext":{"accountId":"123456789012","apiId":"api","http":{"method":"%METHOD%","path":"/join",
             "protocol":"HTTP/1.1","sourceIp":"203.0.113.10"},"requestId":"r","routeKey":"POST /join",
             "stage":"$default","authorizer":{"iam":{"userId":"AIDACKCEVSQ6C2EXAMPLE",
             "userArn":"arn:aws:iam::123456789012:user/app"}}},
             "body":%BODY%,"isBase64Encoded":%BASE64%}""";
    static final String REST = """
            {"resource":"/join","path":"/join","httpMethod":"%METHOD%",
             "headers":{"Content-Type":"application/json"},"multiValueHeaders":{"Content-Type":["application/json"]},
             "queryStringParameters":null,"pathParameters":null,"stageVariables":null,
             "requestContext":{"resourcePath":"/join","httpMethod":"%METHOD%","path":"/prod/join","stage":"prod",
             "requestId":"r","identity":{"sourceIp":"203.0.113.10","user":"AIDACKCEVSQ6C2EXAMPLE",
             "userArn":"arn:aws:iam::123456789012:user/app"}},
             "body":%BODY%,"isBase64Encoded":%BASE64%}""";
    static final String BUS = """
            {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"Join Requested",
             "source":"%SOURCE%","account":"123456789012","time":"2026-01-01T00:00:00Z","region":"us-west-2",
             "resources":[],"detail":%DETAIL%}""";

    private final boolean http;
    private final boolean base64;

    Envelope(boolean http, boolean base64) {
        this.http = http;
        this.base64 = base64;
    }

    /** Whether the caller gets a proxy response (otherwise a result or a thrown error). */
    boolean http() {
        return http;
    }

    boolean base64() {
        return base64;
    }

    /** The field that problems with the document's JSON name: its own document, or the event it is part of. */
    String documentField() {
        return switch (this) {
            case HTTP_API_PLAIN, HTTP_API_BASE64, REST_PLAIN, REST_BASE64 -> "body";
            case SCHEDULER -> "detail";
            case EVENTBRIDGE, DIRECT -> "event";
        };
    }

    /** The field that malformed UTF-8 in the document names: only base64 keeps its bytes out of the event's text. */
    String bytesField() {
        return base64 ? "body" : "event";
    }

    /** Levels the envelope adds above the document within the parsed document that holds it. */
    int depthAbove() {
        return this == EVENTBRIDGE ? 1 : 0;
    }

    byte[] wrap(byte[] document) {
        return wrap(document, "POST");
    }

    /** The event carrying {@code document}; {@code method} applies to API Gateway envelopes only. */
    byte[] wrap(byte[] document, String method) {
        return switch (this) {
            case HTTP_API_PLAIN -> http(HTTP_API, method, jsonString(document), "false");
            case HTTP_API_BASE64 -> http(HTTP_API, method, base64String(document), "true");
            case REST_PLAIN -> http(REST, method, jsonString(document), "false");
            case REST_BASE64 -> http(REST, method, base64String(document), "true");
            case EVENTBRIDGE -> bus("com.example.doorbell", document);
            case SCHEDULER -> bus("aws.scheduler", jsonString(document));
            case DIRECT -> document;
        };
    }

    private static byte[] http(String template, String method, byte[] body, String base64) {
        return splice(template.replace("%METHOD%", method).replace("%BASE64%", base64), "%BODY%", body);
    }

    private static byte[] bus(String source, byte[] detail) {
        return splice(BUS.replace("%SOURCE%", source), "%DETAIL%", detail);
    }

    /** The template's text with {@code placeholder} replaced by raw bytes. */
    static byte[] splice(String template, String placeholder, byte[] bytes) {
        int at = template.indexOf(placeholder);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(template.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(template.substring(at + placeholder.length()).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** A JSON string holding the bytes: quote, backslash and control bytes escaped, every other byte as it is. */
    static byte[] jsonString(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 16);
        out.write('"');
        for (byte b : raw) {
            if (b == '"' || b == '\\') {
                out.write('\\');
                out.write(b);
            } else if (b >= 0 && b < 0x20) {
                out.writeBytes(String.format("\\u%04x", (int) b).getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(b);
            }
        }
        out.write('"');
        return out.toByteArray();
    }

    private static byte[] base64String(byte[] raw) {
        return ("\"" + Base64.getEncoder().encodeToString(raw) + "\"").getBytes(StandardCharsets.US_ASCII);
    }
}
