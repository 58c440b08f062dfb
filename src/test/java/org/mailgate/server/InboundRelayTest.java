package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.mailgate.config.ListenerKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The inbound (MX-style) listener: local users only, never an open relay, nothing revealed. */
class InboundRelayTest extends SharedServer {
    private static SmtpClient transaction() throws Exception {
        SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate());
        c.reply();
        assertThat(c.command("EHLO relay-scanner.test")).doesNotContain("AUTH");
        assertThat(c.command("MAIL FROM:<probe@remote.example>")).isEqualTo("250 2.1.0 Ok");
        return c;
    }

    @Test
    void acceptsExistingUsersAndTheirAliases() throws Exception {
        try (SmtpClient c = transaction()) {
            assertThat(c.command("RCPT TO:<alice@example.com>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("RCPT TO:<Sales@Example.com>")).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("RCPT TO:<bob@example.org>")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void unknownUserOfALocalDomain() throws Exception {
        try (SmtpClient c = transaction()) {
            assertThat(c.command("RCPT TO:<nobody@example.com>")).isEqualTo("550 5.1.1 Recipient address rejected: user unknown");
            assertThat(c.command("RCPT TO:<nobody@example.net>")).isEqualTo("550 5.1.1 Recipient address rejected: user unknown");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"<postmaster>", "<PostMaster>", "<postmaster@example.com>", "<POSTMASTER@example.net>", "<postmaster@mx.test>"})
    @DisplayName("RFC 5321 4.5.1: postmaster, bare or at any local domain, is accepted though no user has that address")
    void postmasterIsAlwaysAccepted(String path) throws Exception {
        try (SmtpClient c = transaction()) {
            assertThat(c.command("RCPT TO:" + path)).isEqualTo("250 2.1.5 Ok");
            assertThat(c.command("RCPT TO:<postmaster@remote.example>")).isEqualTo("554 5.7.1 Relay access denied");
        }
    }

    @Test
    void otherDomainsAreRelayDenied() throws Exception {
        try (SmtpClient c = transaction()) {
            assertThat(c.command("RCPT TO:<victim@remote.example>")).isEqualTo("554 5.7.1 Relay access denied");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "<victim%remote.example@example.com>", // percent hack
        "<@example.com:victim@remote.example>", // source route
        "<\"victim@remote.example\"@example.com>", // quoted local part
        "<victim@remote.example@example.com>", // double @
        "<remote.example!victim@example.com>", // bang path
        "<victim@[127.0.0.1]>", // IP literal
        "<alice@[IPv6:::1]>",
        "<victim@remote.example.>",
        "<alice@example.com.remote.example>",
        "victim@remote.example", // no brackets
    })
    void relayTricksNeverGetThrough(String path) throws Exception {
        try (SmtpClient c = transaction()) {
            assertThat(c.command("RCPT TO:" + path)).matches("5\\d\\d 5\\.\\d\\.\\d .*");
            assertThat(c.command("DATA")).isEqualTo("554 5.5.1 No valid recipients");
        }
    }

    @Test
    void nullAndOddSendersStillOnlyReachLocalUsers() throws Exception {
        try (SmtpClient c = new SmtpClient(server.port(ListenerKind.INBOUND), server.certificate())) {
            c.reply();
            c.command("HELO x");
            assertThat(c.command("MAIL FROM:<>")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.command("RCPT TO:<victim@remote.example>")).isEqualTo("554 5.7.1 Relay access denied");
            assertThat(c.command("RCPT TO:<alice@example.com>")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void authIsNotOfferedOrAccepted() throws Exception {
        try (SmtpClient c = transaction()) {
            c.command("RSET");
            assertThat(c.command("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA==")).isEqualTo("503 5.5.1 Authentication not enabled");
        }
    }

    @Test
    void vrfyAndExpnRevealNothing() throws Exception {
        try (SmtpClient c = transaction()) {
            String known = c.command("VRFY alice@example.com");
            String unknown = c.command("VRFY nobody@example.com");
            assertThat(known).isEqualTo(unknown).startsWith("252 2.5.0");
            assertThat(c.command("EXPN staff")).isEqualTo("502 5.5.1 Command not implemented");
        }
    }
}
