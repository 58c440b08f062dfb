package org.mailgate.spool;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailgate.mail.Mailbox;

/**
 * What delivery has done with a queued message so far, rebuilt by replaying its journal.
 *
 * @param nextAttempt when the scheduler may try again; null means as soon as possible
 * @param rounds how many delivery rounds ended with recipients still pending
 */
public record DeliveryState(Map<Mailbox, RecipientState> recipients, int rounds, Instant nextAttempt, boolean held,
        boolean delayWarned, boolean bounceRequested) {

    public DeliveryState {
        recipients = Collections.unmodifiableMap(new LinkedHashMap<>(recipients));
    }

    /** Replays the journal over the envelope's recipients, all pending at first. */
    public static DeliveryState replay(SpoolEnvelope envelope, List<QueueEvent> journal) {
        Map<Mailbox, RecipientState> recipients = new LinkedHashMap<>();
        envelope.recipients().forEach(r -> recipients.put(r.address(), RecipientState.NEW));
        int rounds = 0;
        Instant next = null;
        boolean held = false;
        boolean warned = false;
        boolean bounce = false;
        Instant retryAsked = null;
        for (QueueEvent event : journal) {
            switch (event) {
                case QueueEvent.Attempted a -> recipients.computeIfPresent(a.recipient(), (address, old) -> old.isFinal() ? old
                        : new RecipientState(a.status(), old.attempts() + 1, a.at(), a.remoteMta(), Optional.of(a.reply()), false));
                case QueueEvent.Reported r -> recipients.computeIfPresent(r.recipient(), (address, old) ->
                        new RecipientState(old.status(), old.attempts(), old.lastAttempt(), old.remoteMta(), old.lastReply(), true));
                case QueueEvent.Scheduled s -> {
                    rounds++;
                    next = s.next();
                    if (retryAsked != null && s.roundStart().isAfter(retryAsked)) {
                        retryAsked = null; // a round began after the request: it was honoured
                    }
                }
                case QueueEvent.Held h -> held = true;
                case QueueEvent.Released r -> held = false;
                case QueueEvent.RetryNow r -> {
                    retryAsked = r.at();
                    held = false;
                }
                case QueueEvent.BounceRequested b -> {
                    bounce = true;
                    held = false;
                }
                case QueueEvent.DelayWarned w -> warned = true;
            }
        }
        // an admin's retry or bounce is due at once, even if a round that was running meanwhile rescheduled
        return new DeliveryState(recipients, rounds, retryAsked != null || bounce ? null : next, held, warned, bounce);
    }

    public List<Mailbox> pending() {
        return recipients.entrySet().stream().filter(e -> !e.getValue().isFinal()).map(Map.Entry::getKey).toList();
    }

    public boolean isDone() {
        return pending().isEmpty();
    }
}
