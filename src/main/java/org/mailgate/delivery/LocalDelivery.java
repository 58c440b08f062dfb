package org.mailgate.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.delivery.tls.TlsPolicy;
import org.mailgate.mail.Mailbox;
import org.mailgate.spool.SpoolEnvelope;

/**
 * Delivery to our own users: each recipient (address or alias) is mapped to its user, then the
 * message goes to the user's Maildir, or to an LMTP server (Dovecot's) when one is configured.
 * A user who has two of the recipient addresses gets one copy. A message for a folder (Junk) goes
 * into that Maildir++ folder, or over LMTP to the user's address with the folder as its detail
 * (bob+Junk@example.org), the way Dovecot's lmtp_save_to_detail_mailbox reads it.
 */
final class LocalDelivery {
    private static final String LMTP_KEY = "lmtp";

    private final LocalMailboxes mailboxes;
    private final Maildir maildir;
    private final DeliveryConfig.LmtpConfig lmtp;
    private final boolean lmtpFolderDetail;
    private final Dialer dialer;
    private final ConnectionPool pool;

    LocalDelivery(LocalMailboxes mailboxes, Maildir maildir, DeliveryConfig.LmtpConfig lmtp, boolean lmtpFolderDetail, Dialer dialer,
            ConnectionPool pool) {
        this.mailboxes = mailboxes;
        this.maildir = maildir;
        this.lmtp = lmtp;
        this.lmtpFolderDetail = lmtpFolderDetail;
        this.dialer = dialer;
        this.pool = pool;
    }

    List<Outcome> deliver(RoutedMessage message) {
        List<Outcome> outcomes = new ArrayList<>();
        Map<Mailbox, List<Mailbox>> byUser = new LinkedHashMap<>();
        for (SpoolEnvelope.Recipient r : message.recipients()) {
            Optional<Mailbox> mailbox = mailboxes.mailboxOf(r.address());
            if (mailbox.isEmpty()) {
                outcomes.add(DeliveryReply.NO_SUCH_USER.to(r.address(), "", r.address()));
            } else {
                byUser.computeIfAbsent(mailbox.get(), u -> new ArrayList<>()).add(r.address());
            }
        }
        if (byUser.isEmpty()) {
            return outcomes;
        }
        if (lmtp != null) {
            outcomes.addAll(viaLmtp(message, byUser));
        } else {
            byUser.forEach((user, addresses) -> outcomes.addAll(toMaildir(message, user, addresses)));
        }
        return outcomes;
    }

    private List<Outcome> toMaildir(RoutedMessage message, Mailbox user, List<Mailbox> addresses) {
        try (InputStream content = message.content().open()) {
            maildir.deliver(user.toString(), message.envelope().folder(), message.envelope().sender().map(Mailbox::toString).orElse(""),
                    content);
            return addresses.stream().map(a -> DeliveryReply.STORED.to(a, "", user)).toList();
        } catch (IOException e) {
            return addresses.stream().map(a -> DeliveryReply.MAILBOX_UNWRITABLE.to(a, "", user, e.getMessage())).toList();
        }
    }

    /** One LMTP transaction with a recipient per user; each user's reply applies to that user's addresses. */
    private List<Outcome> viaLmtp(RoutedMessage message, Map<Mailbox, List<Mailbox>> byUser) {
        Map<Mailbox, Mailbox> users = new LinkedHashMap<>(); // the address given to the LMTP server -> its user
        byUser.keySet().forEach(user -> users.put(lmtpAddress(user, message.envelope().folder()), user));
        List<SpoolEnvelope.Recipient> perUser = users.keySet().stream().map(SpoolEnvelope.Recipient::of).toList();
        RoutedMessage forUsers = message.to(perUser);
        List<Outcome> results;
        Optional<Conversation> pooled = pool.take(LMTP_KEY);
        try {
            Conversation conversation = pooled.isPresent() ? Dialer.reused(message.envelope().id(), pooled.get())
                    : dialer.dial(message.envelope().id(), lmtp.host(), new InetSocketAddress(InetAddress.getByName(lmtp.host()), lmtp.port()),
                            new TlsPolicy.Plaintext(), false, true, Optional.empty());
            results = pool.deliver(LMTP_KEY, conversation, forUsers);
        } catch (ConnectFailure f) {
            results = perUser.stream().map(u -> Outcome.deferred(u.address(), f.remoteMta(), f.reply())).toList();
        } catch (IOException e) {
            results = perUser.stream().map(u -> DeliveryReply.DNS_FAILED.to(u.address(), lmtp.host(),
                    "LMTP server " + lmtp.host() + ": " + e.getMessage())).toList();
        }
        Map<Mailbox, Outcome> byOwner = new HashMap<>();
        results.forEach(o -> byOwner.put(users.getOrDefault(o.recipient(), o.recipient()), o));
        List<Outcome> outcomes = new ArrayList<>();
        byUser.forEach((user, addresses) -> {
            Outcome o = byOwner.get(user);
            addresses.forEach(a -> outcomes.add(new Outcome(a, o.status(), o.remoteMta(), o.reply())));
        });
        return outcomes;
    }

    /** The user's address, with the folder as its detail when there is one (not for a local part that has a "+" already). */
    private Mailbox lmtpAddress(Mailbox user, Optional<String> folder) {
        if (folder.isEmpty() || !lmtpFolderDetail || user.localPart().contains("+")) {
            return user;
        }
        return new Mailbox(user.localPart() + "+" + folder.get(), user.domain());
    }
}
