package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailgate.dns.ZoneResolver;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import org.mailgate.message.Client;
import org.mailgate.message.Examiner;
import org.mailgate.message.Transaction;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** What the inbound examiner does with an SPF fail that nothing else speaks for: reported by default, refused when asked. */
class InboundExaminerTest {
    private static Examiner.Verdict examine(boolean rejectSpfFail) throws Exception {
        Record spf = Record.fromString(Name.fromString("example.org."), Type.TXT, DClass.IN, 300, "\"v=spf1 -all\"", Name.root);
        MailAuthentication checks = new MailAuthentication(new ZoneResolver(List.of(spf), Set.of()), "mx.test", Clock.systemUTC());
        InboundExaminer examiner = new InboundExaminer(checks, "mx.test", d -> d.equals("example.net"), true, true, rejectSpfFail);
        Transaction t = new Transaction("Q1", Instant.now(), new Client("192.0.2.9", "client.example", Optional.empty()), "ESMTP",
                Optional.of(new Mailbox("a", "example.org")), List.of(new Mailbox("bob", "example.net")));
        Examiner.Examination e = examiner.open(t.client(), t.sender(), Runnable::run).start(t, "From: a@example.org\r\nSubject: x\r\n".getBytes(StandardCharsets.UTF_8));
        byte[] body = "hello\r\n".getBytes(StandardCharsets.UTF_8);
        e.body(body, 0, body.length);
        return e.finish();
    }

    @Test
    void spfFailWithoutDkimOrDmarcIsAcceptedAndReportedByDefault() throws Exception {
        assertThat(examine(false)).isInstanceOfSatisfying(Examiner.Verdict.Accept.class, a -> {
            assertThat(a.fields()).startsWith("Authentication-Results: mx.test;").contains("spf=fail").contains("dmarc=none");
            assertThat(a.folder()).isEmpty();
        });
    }

    @Test
    void spfFailIsRefusedWhenConfigured() throws Exception {
        assertThat(examine(true)).isEqualTo(new Examiner.Verdict.Refuse(Refusal.SPF_FAILED));
    }

    @Test
    void removesOnlyResultsFieldsClaimingOurName() {
        InboundExaminer examiner = new InboundExaminer(null, "mx.test", d -> false, true, true, false);
        assertThat(examiner.removes("Authentication-Results", "mx.test; dkim=pass")).isTrue();
        assertThat(examiner.removes("authentication-results", "mx.google.com; dkim=pass")).isFalse();
        assertThat(examiner.removes("Subject", "mx.test; hi")).isFalse();
    }

    @Test
    void spfStartsWhenMailIsAcceptedBeforeAnyOfTheMessage() throws Exception {
        Record spf = Record.fromString(Name.fromString("example.org."), Type.TXT, DClass.IN, 300, "\"v=spf1 -all\"", Name.root);
        MailAuthentication checks = new MailAuthentication(new ZoneResolver(List.of(spf), Set.of()), "mx.test", Clock.systemUTC());
        InboundExaminer examiner = new InboundExaminer(checks, "mx.test", d -> false, true, true, false);
        List<Runnable> submitted = new ArrayList<>();
        Client client = new Client("192.0.2.9", "client.example", Optional.empty());
        Examiner.Envelope envelope = examiner.open(client, Optional.of(new Mailbox("a", "example.org")), submitted::add);
        assertThat(submitted).as("SPF and iprev, started off the event loop at MAIL").hasSize(1);
        submitted.getFirst().run();
        Transaction t = new Transaction("Q1", Instant.now(), client, "ESMTP", Optional.of(new Mailbox("a", "example.org")),
                List.of(new Mailbox("bob", "example.net")));
        Examiner.Examination e = envelope.start(t, "From: a@example.org\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(e.finish()).isInstanceOfSatisfying(Examiner.Verdict.Accept.class, a -> assertThat(a.fields()).contains("spf=fail"));
    }
}
