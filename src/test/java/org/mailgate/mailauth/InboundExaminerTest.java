package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

/**
 * What the inbound examiner does with an SPF fail that nothing else speaks for (reported by
 * default, refused when asked), and with a DMARC p=reject failure that a forwarder sealed.
 */
class InboundExaminerTest {
    private static Examiner.Verdict examine(InboundExaminer.Action spfFail) throws Exception {
        Record spf = Record.fromString(Name.fromString("example.org."), Type.TXT, DClass.IN, 300, "\"v=spf1 -all\"", Name.root);
        MailAuthentication checks = new MailAuthentication(new ZoneResolver(List.of(spf), Set.of()), "mx.test", Clock.systemUTC(), false);
        InboundExaminer examiner = new InboundExaminer(checks, "mx.test", d -> d.equals("example.net"),
                new InboundExaminer.Actions(InboundExaminer.Action.REFUSE, InboundExaminer.Action.JUNK,
                InboundExaminer.Action.REFUSE, spfFail, Set.of()));
        Transaction t = new Transaction("Q1", Instant.now(), new Client("192.0.2.9", "client.example", Optional.empty()), "ESMTP",
                Optional.of(new Mailbox("a", "example.org")), List.of(new Mailbox("bob", "example.net")));
        Examiner.Examination e = examiner.open(t.client(), t.sender(), Runnable::run).start(t, "From: a@example.org\r\nSubject: x\r\n".getBytes(StandardCharsets.UTF_8));
        byte[] body = "hello\r\n".getBytes(StandardCharsets.UTF_8);
        e.body(body, 0, body.length);
        return e.finish();
    }

    @Test
    void spfFailWithoutDkimOrDmarcIsAcceptedAndReportedByDefault() throws Exception {
        assertThat(examine(InboundExaminer.Action.ACCEPT)).isInstanceOfSatisfying(Examiner.Verdict.Accept.class, a -> {
            assertThat(a.fields()).startsWith("Authentication-Results: mx.test;").contains("spf=fail").contains("dmarc=none");
            assertThat(a.folder()).isEmpty();
        });
    }

    @Test
    void spfFailIsRefusedWhenConfigured() throws Exception {
        assertThat(examine(InboundExaminer.Action.REFUSE)).isEqualTo(new Examiner.Verdict.Refuse(Refusal.SPF_FAILED));
    }

    @Test
    void removesOnlyResultsFieldsClaimingOurName() {
        InboundExaminer examiner = new InboundExaminer(null, "mx.test", d -> false, InboundExaminer.Actions.DEFAULTS);
        assertThat(examiner.removes("Authentication-Results", "mx.test; dkim=pass")).isTrue();
        assertThat(examiner.removes("authentication-results", "mx.google.com; dkim=pass")).isFalse();
        assertThat(examiner.removes("Subject", "mx.test; hi")).isFalse();
    }

    @Test
    void spfStartsWhenMailIsAcceptedBeforeAnyOfTheMessage() throws Exception {
        Record spf = Record.fromString(Name.fromString("example.org."), Type.TXT, DClass.IN, 300, "\"v=spf1 -all\"", Name.root);
        MailAuthentication checks = new MailAuthentication(new ZoneResolver(List.of(spf), Set.of()), "mx.test", Clock.systemUTC(), false);
        InboundExaminer examiner = new InboundExaminer(checks, "mx.test", d -> false, InboundExaminer.Actions.DEFAULTS);
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

    /**
     * Gmail's ARC seal over an IETF list message From stalw.art, whose DKIM key is gone and whose
     * domain now says p=reject: DMARC fails, the chain passes.
     */
    private static Examiner.Verdict forwarded(boolean arc, Set<String> trustedSealers) throws Exception {
        String[] test = StalwartMessagesTest.testFile("/stalwart/arc/001.txt");
        String records = Arrays.stream(test[0].split("\n")).filter(line -> !line.contains("stalw.art")).collect(Collectors.joining("\n"))
                + "\n_dmarc.stalw.art v=DMARC1; p=reject";
        MailAuthentication checks = new MailAuthentication(StalwartMessagesTest.records(records), "mx.test", ArcVerifierTest.AFTER_SEALING, arc);
        InboundExaminer examiner = new InboundExaminer(checks, "mx.test", d -> false, new InboundExaminer.Actions(InboundExaminer.Action.REFUSE,
                InboundExaminer.Action.JUNK, InboundExaminer.Action.REFUSE, InboundExaminer.Action.ACCEPT, trustedSealers));
        Client client = new Client("192.0.2.9", "mail-pj1-f41.google.com", Optional.empty());
        Transaction t = new Transaction("Q1", Instant.now(), client, "ESMTP", Optional.of(new Mailbox("list", "example.org")),
                List.of(new Mailbox("mauro", "example.net")));
        byte[] message = test[1].getBytes(StandardCharsets.UTF_8);
        int end = test[1].indexOf("\r\n\r\n");
        Examiner.Examination e = examiner.open(client, t.sender(), Runnable::run).start(t, Arrays.copyOf(message, end + 2));
        e.body(message, end + 4, message.length - end - 4);
        return e.finish();
    }

    @Test
    void aTrustedForwardersPassingChainTurnsRejectIntoJunk() throws Exception {
        assertThat(forwarded(true, Set.of("Google.com"))).isInstanceOfSatisfying(Examiner.Verdict.Accept.class, a -> {
            assertThat(a.folder()).contains(InboundExaminer.JUNK);
            assertThat(a.fields()).contains("dmarc=fail").contains("policy.dmarc=reject")
                    .contains("arc=pass (i=1 sealed by google.com: a trusted forwarder: p=reject applied as quarantine) smtp.remote-ip=192.0.2.9");
        });
    }

    @Test
    void anUntrustedSealerOrArcOffLeavesTheRefusal() throws Exception {
        assertThat(forwarded(true, Set.of("lists.example.org"))).isEqualTo(new Examiner.Verdict.Refuse(Refusal.DMARC_REJECTED));
        assertThat(forwarded(false, Set.of("google.com"))).isEqualTo(new Examiner.Verdict.Refuse(Refusal.DMARC_REJECTED));
    }

    /** From {@code from}, sent from an address example.org's SPF refuses, example.org publishing DMARC {@code policy}. */
    private static Examiner.Verdict examine(String policy, String from, InboundExaminer.Actions actions) throws Exception {
        List<Record> records = List.of(
                Record.fromString(Name.fromString("example.org."), Type.TXT, DClass.IN, 300, "\"v=spf1 -all\"", Name.root),
                Record.fromString(Name.fromString("_dmarc.example.org."), Type.TXT, DClass.IN, 300, "\"v=DMARC1; p=" + policy + "\"", Name.root));
        MailAuthentication checks = new MailAuthentication(new ZoneResolver(records, Set.of()), "mx.test", Clock.systemUTC(), false);
        InboundExaminer examiner = new InboundExaminer(checks, "mx.test", d -> d.equals("example.net"), actions);
        Client client = new Client("192.0.2.9", "client.example", Optional.empty());
        Transaction t = new Transaction("Q1", Instant.now(), client, "ESMTP", Optional.of(new Mailbox("a", "example.org")),
                List.of(new Mailbox("bob", "example.net")));
        return examiner.open(client, t.sender(), Runnable::run).start(t, ("From: " + from + "\r\n").getBytes(StandardCharsets.UTF_8)).finish();
    }

    private static String outcome(Examiner.Verdict verdict) {
        return switch (verdict) {
            case Examiner.Verdict.Refuse refuse -> refuse.refusal().name();
            case Examiner.Verdict.Accept accept -> accept.folder().orElse("INBOX");
        };
    }

    @ParameterizedTest(name = "p={0}, dmarc-reject={1}, dmarc-quarantine={2}: {3}")
    @CsvSource({
        "reject, REFUSE, JUNK, DMARC_REJECTED",
        "reject, JUNK, JUNK, Junk",
        "reject, ACCEPT, REFUSE, INBOX",
        "quarantine, REFUSE, JUNK, Junk",
        "quarantine, REFUSE, REFUSE, DMARC_QUARANTINED",
        "quarantine, REFUSE, ACCEPT, INBOX",
        "none, REFUSE, REFUSE, INBOX"})
    void eachDmarcPolicyTakesItsConfiguredAction(String policy, InboundExaminer.Action reject, InboundExaminer.Action quarantine,
            String expected) throws Exception {
        var actions = new InboundExaminer.Actions(reject, quarantine, InboundExaminer.Action.REFUSE, InboundExaminer.Action.ACCEPT, Set.of());
        assertThat(outcome(examine(policy, "a@example.org", actions))).isEqualTo(expected);
    }

    @Test
    void aForgeryOfOurDomainTakesItsActionAndTheStrictestFindingWins() throws Exception {
        var junk = new InboundExaminer.Actions(InboundExaminer.Action.REFUSE, InboundExaminer.Action.JUNK, InboundExaminer.Action.JUNK,
                InboundExaminer.Action.ACCEPT, Set.of());
        assertThat(outcome(examine("none", "boss@example.net", junk))).isEqualTo("Junk");
        assertThat(outcome(examine("none", "boss@example.net", InboundExaminer.Actions.DEFAULTS))).isEqualTo("LOCAL_DOMAIN_FORGED");
        var spfRefused = new InboundExaminer.Actions(InboundExaminer.Action.REFUSE, InboundExaminer.Action.JUNK, InboundExaminer.Action.JUNK,
                InboundExaminer.Action.REFUSE, Set.of());
        assertThat(outcome(examine("none", "boss@example.net", spfRefused))).as("SPF fail, no DKIM pass, no DMARC record of example.net: refused")
                .isEqualTo("SPF_FAILED");
    }
}
