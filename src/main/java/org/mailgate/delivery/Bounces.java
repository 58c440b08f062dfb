package org.mailgate.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailgate.mail.Notify;
import org.mailgate.spool.DeliveryState;
import org.mailgate.spool.QueueEvent;
import org.mailgate.spool.QueueIds;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.RecipientState;
import org.mailgate.spool.Spool;
import org.mailgate.spool.SpoolEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells senders what became of their mail, as RFC 3461 NOTIFY asks (by default: failures and
 * delays): each notice is queued as a message from the null sender, so a notice is never
 * answered by another (RFC 5321 4.5.5), and each recipient is reported once.
 */
final class Bounces {
    private static final Logger log = LoggerFactory.getLogger(Bounces.class);

    private final String hostname;
    private final Spool spool;
    private final Clock clock;
    private final QueueIds ids = new QueueIds();

    Bounces(String hostname, Spool spool, Clock clock) {
        this.hostname = hostname;
        this.spool = spool;
        this.clock = clock;
    }

    /**
     * Reports recipients newly failed (and, when asked with NOTIFY=SUCCESS, newly delivered to a
     * local mailbox); only those a notice went out for are journaled as reported. True when it
     * journaled any (the state has changed).
     */
    boolean report(QueuedMessage message, DeliveryState state) throws IOException {
        List<Dsn.Report> failed = new ArrayList<>();
        List<Dsn.Report> delivered = new ArrayList<>();
        for (SpoolEnvelope.Recipient r : message.envelope().recipients()) {
            RecipientState s = state.recipients().get(r.address());
            if (s == null || !s.isFinal() || s.reported()) {
                continue;
            }
            if (s.status() == RecipientState.Status.FAILED && Notify.wants(r.notifyOn(), Notify.FAILURE)) {
                failed.add(new Dsn.Report(r, s));
            } else if (s.status() == RecipientState.Status.DELIVERED && r.notifyOn().contains(Notify.SUCCESS) && s.remoteMta().isEmpty()) {
                delivered.add(new Dsn.Report(r, s));
            }
        }
        List<QueueEvent> reported = new ArrayList<>();
        reported.addAll(send(message, Dsn.Action.FAILED, failed, null));
        reported.addAll(send(message, Dsn.Action.DELIVERED, delivered, null));
        if (!reported.isEmpty()) {
            spool.record(message.id(), reported);
        }
        return !reported.isEmpty();
    }

    /** Once per message, after the configured delay, for the recipients still pending that want it. */
    void warnIfDelayed(QueuedMessage message, DeliveryState state, Duration after, Instant retryUntil) throws IOException {
        SpoolEnvelope e = message.envelope();
        if (state.delayWarned() || e.arrival().plus(after).isAfter(clock.instant())) {
            return;
        }
        List<Dsn.Report> delayed = new ArrayList<>();
        for (SpoolEnvelope.Recipient r : e.recipients()) {
            RecipientState s = state.recipients().get(r.address());
            if (s != null && !s.isFinal() && Notify.wants(r.notifyOn(), Notify.DELAY)) {
                delayed.add(new Dsn.Report(r, s));
            }
        }
        send(message, Dsn.Action.DELAYED, delayed, retryUntil);
        spool.record(message.id(), List.of(new QueueEvent.DelayWarned(clock.instant())));
    }

    /** Queues the notice; returns the Reported events for the recipients it covers (none when nothing was sent). */
    private List<QueueEvent> send(QueuedMessage message, Dsn.Action action, List<Dsn.Report> reports, Instant retryUntil) throws IOException {
        SpoolEnvelope original = message.envelope();
        if (reports.isEmpty() || original.sender().isEmpty()) { // RFC 5321 4.5.5: never a notice about a notice
            return List.of();
        }
        Instant now = clock.instant();
        byte[] notice;
        try (InputStream content = spool.content(message.id())) {
            notice = Dsn.build(hostname, original, action, reports, content, now, retryUntil);
        }
        SpoolEnvelope envelope = SpoolEnvelope.notice(ids.next(now.toEpochMilli()), now, hostname, original.sender().get(),
                original.body(), original.smtpUtf8());
        spool.enqueue(envelope, notice);
        log.info("{}: {} notice {} queued for <{}> about {} recipients", original.id(), action.name().toLowerCase(Locale.ROOT),
                envelope.id(), original.sender().get(), reports.size());
        return reports.stream().<QueueEvent>map(r -> new QueueEvent.Reported(now, r.recipient().address())).toList();
    }
}
