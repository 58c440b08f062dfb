package org.mailgate.spool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;

/** Envelopes for tests: from 127.0.0.1 (helo client.test) over ESMTP, 7BIT, unless set otherwise. */
public final class TestEnvelopes {
    private final String id;
    private final Instant arrival;
    private Optional<String> client = Optional.of("127.0.0.1");
    private String helo = "client.test";
    private Optional<String> auth = Optional.empty();
    private String protocol = "ESMTP";
    private Optional<Mailbox> sender = Optional.empty();
    private BodyType body = BodyType.SEVEN_BIT;
    private boolean smtpUtf8;
    private Optional<DsnReturn> ret = Optional.empty();
    private Optional<String> envelopeId = Optional.empty();
    private final List<SpoolEnvelope.Recipient> recipients = new ArrayList<>();

    private TestEnvelopes(String id, Instant arrival) {
        this.id = id;
        this.arrival = arrival;
    }

    public static TestEnvelopes envelope(String id, Instant arrival) {
        return new TestEnvelopes(id, arrival);
    }

    /** Submitted by {@code user}, as {@code user}, over ESMTPSA. */
    public TestEnvelopes submittedBy(String user) {
        auth = Optional.of(user);
        sender = Optional.of(Mailbox.stored(user));
        protocol = "ESMTPSA";
        return this;
    }

    public TestEnvelopes from(String address) {
        sender = Optional.of(Mailbox.stored(address));
        return this;
    }

    /** A notice the server made: no client, the null sender, LOCAL. */
    public TestEnvelopes local(String hostname) {
        client = Optional.empty();
        helo = hostname;
        protocol = "LOCAL";
        sender = Optional.empty();
        return this;
    }

    public TestEnvelopes to(String... addresses) {
        for (String address : addresses) {
            recipients.add(SpoolEnvelope.Recipient.of(Mailbox.stored(address)));
        }
        return this;
    }

    public TestEnvelopes to(SpoolEnvelope.Recipient recipient) {
        recipients.add(recipient);
        return this;
    }

    public TestEnvelopes body(BodyType type) {
        body = type;
        return this;
    }

    public TestEnvelopes smtpUtf8(String withKeyword) {
        smtpUtf8 = true;
        protocol = withKeyword;
        return this;
    }

    public TestEnvelopes dsn(DsnReturn returning, String envid) {
        ret = Optional.of(returning);
        envelopeId = Optional.of(envid);
        return this;
    }

    public SpoolEnvelope build() {
        return new SpoolEnvelope(id, arrival, client, helo, auth, protocol, sender, body, smtpUtf8, ret, envelopeId, recipients, Optional.empty());
    }
}
