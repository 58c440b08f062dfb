package org.mailgate.http;

import java.nio.charset.StandardCharsets;

/** What a route answers: a status, a content type and the body. */
public record HttpResponse(int status, String contentType, byte[] body) {

    /** A plain-text answer, a line or a few. */
    public static HttpResponse text(int status, String text) {
        return new HttpResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
}
