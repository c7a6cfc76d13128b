package dev.kvsjoin.bench.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The cold-start floor: answers any event with a fixed API Gateway proxy response, without reading it beyond the
 * end. Whatever a real function costs above this is its own, not the runtime's.
 */
public final class FloorHandler implements RequestStreamHandler {

    private static final byte[] RESPONSE = ("{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},"
            + "\"body\":\"{\\\"joined\\\":true}\"}").getBytes(StandardCharsets.UTF_8);

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.transferTo(OutputStream.nullOutputStream());
        output.write(RESPONSE);
    }
}
