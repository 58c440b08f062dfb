package org.mailgate.smtp;

import org.mailgate.mail.Reply;
import org.mailgate.mail.EnhancedStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReplyParserTest {

    @Test
    @DisplayName("RFC 5321 4.2.1: continuation lines use '-', the last a space; the enhanced status (RFC 2034) is taken off")
    void multiLineReplyWithEnhancedStatus() throws Exception {
        ReplyParser parser = new ReplyParser();
        assertThat(parser.feed("250-mx.example.com Hello")).isNull();
        assertThat(parser.feed("250-PIPELINING")).isNull();
        Reply reply = parser.feed("250 2.0.0 ready");
        assertThat(reply.code()).isEqualTo(250);
        assertThat(reply.status()).isEqualTo(EnhancedStatus.of(2, 0, 0));
        assertThat(reply.lines()).containsExactly("mx.example.com Hello", "PIPELINING", "ready");
        assertThat(parser.feed("354 go ahead").code()).as("the parser is reusable").isEqualTo(354);
    }

    @Test
    @DisplayName("a bare code ends a reply; a status whose class disagrees with the code stays text")
    void bareCodeAndMismatchedStatus() throws Exception {
        assertThat(new ReplyParser().feed("250").lines()).containsExactly("");
        Reply odd = new ReplyParser().feed("550 2.0.0 odd");
        assertThat(odd.status()).isNull();
        assertThat(odd.lines()).containsExactly("2.0.0 odd");
    }

    @Test
    @DisplayName("a line that is no reply, or a code that changes mid-reply, is an error")
    void malformedReplies() throws Exception {
        assertThatThrownBy(() -> new ReplyParser().feed("HTTP/1.1 400 Bad Request")).isInstanceOf(ReplyParser.MalformedReply.class);
        ReplyParser parser = new ReplyParser();
        parser.feed("250-first");
        assertThatThrownBy(() -> parser.feed("550 second")).hasMessageContaining("changed from 250 to 550");
    }
}
