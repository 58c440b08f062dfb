package org.mailgate.smtp;

import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathParserTest {

    private static Mailbox path(String text) {
        Command.Rcpt rcpt = (Command.Rcpt) CommandParser.parse("RCPT TO:" + text, false);
        return rcpt.recipient();
    }

    @Test
    void plainAddress() {
        assertThat(path("<Alice@Example.COM>")).isEqualTo(new Mailbox("Alice", "example.com"));
    }

    @Test
    void sourceRouteIsParsedAndIgnored() {
        assertThat(path("<@relay.example,@other.example:user@target.example>")).isEqualTo(new Mailbox("user", "target.example"));
    }

    @Test
    void quotedLocalPartKeepsItsQuotes() {
        Mailbox m = path("<\"user@other\"@local.example>");
        assertThat(m.localPart()).isEqualTo("\"user@other\"");
        assertThat(m.isQuoted()).isTrue();
    }

    @Test
    void addressLiteral() {
        assertThat(path("<user@[127.0.0.1]>").isAddressLiteral()).isTrue();
        assertThat(path("<user@[IPv6:::1]>").domain()).isEqualTo("[ipv6:::1]");
    }

    @Test
    void percentAndBangAreAtext() {
        assertThat(path("<user%other@local.example>").localPart()).isEqualTo("user%other");
        assertThat(path("<other!user@local.example>").localPart()).isEqualTo("other!user");
    }

    @Test
    void malformedPathsAreRefused() {
        for (String bad : new String[] {"user@example.com", "<user@other@local.example>", "<user@>", "<@x:>",
                "<user@-bad.example>", "<a..b@example.com>", "<user@example.com", "<\"unterminated@example.com>"}) {
            assertThatThrownBy(() -> path(bad)).as(bad).isInstanceOf(RefusalException.class)
                    .extracting(e -> ((RefusalException) e).refusal()).isIn(Refusal.ADDRESS_SYNTAX, Refusal.PARAMETER_SYNTAX);
        }
    }

    @Test
    void nullReversePath() {
        Command.Mail mail = (Command.Mail) CommandParser.parse("MAIL FROM:<>", false);
        assertThat(mail.sender()).isNull();
    }
}
