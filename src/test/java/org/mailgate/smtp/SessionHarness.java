package org.mailgate.smtp;

import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Drives a session in a unit test the way the server would: answers credential checks
 * ("secret" is the only password), stores messages in memory, completes STARTTLS at once.
 */
final class SessionHarness {
    static final SessionSettings SUBMISSION = SessionSettings.submission("mx.test").withLimits(1000, 3, 20, 100);
    static final SessionSettings INBOUND = SessionSettings.inbound("mx.test").withLimits(1000, 3, 20, 100);

    final List<SessionEvent> events = new ArrayList<>();
    final List<Envelope> stored = new ArrayList<>();
    final List<byte[]> storedContent = new ArrayList<>();
    final SmtpSession session;
    private ByteArrayOutputStream content;
    private boolean tlsRequested;
    private boolean authRequested;
    private String username;
    private Envelope envelope;
    boolean closed;
    int aborted;

    SessionHarness(SessionSettings settings) {
        this(settings, new MailPolicy() {
            @Override
            public Optional<Refusal> checkSender(String helo, String user, Mailbox sender, long declaredSize) {
                return Optional.empty();
            }

            @Override
            public Optional<Refusal> checkRecipient(String helo, String user, Mailbox recipient, int accepted) {
                return recipient.domain().equals("nowhere.test") ? Optional.of(Refusal.RELAY_DENIED) : Optional.empty();
            }
        });
    }

    SessionHarness(SessionSettings settings, MailPolicy policy) {
        session = new SmtpSession(settings, policy, this::onEvent);
        session.start();
    }

    private String password;

    private void onEvent(SessionEvent event) {
        events.add(event);
        switch (event) {
            case SessionEvent.StartTls s -> tlsRequested = true;
            case SessionEvent.Authenticate a -> {
                authRequested = true;
                username = a.username();
                password = a.password();
            }
            case SessionEvent.MessageBegin b -> {
                envelope = b.envelope();
                content = new ByteArrayOutputStream();
            }
            case SessionEvent.MessageContent c -> content.writeBytes(c.bytes());
            case SessionEvent.MessageAbort a -> {
                aborted++;
                content = null;
            }
            case SessionEvent.Close c -> closed = true;
            default -> { }
        }
    }

    /** Feeds the text (as UTF-8 bytes), settles async work, and returns the replies it caused. */
    List<String> send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    List<String> send(byte[] bytes) {
        int from = events.size();
        session.receive(bytes, 0, bytes.length);
        settle();
        return replies(from);
    }

    private void settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            if (tlsRequested) {
                tlsRequested = false;
                session.tlsEstablished();
                progress = true;
            }
            if (authRequested) {
                authRequested = false;
                session.authenticationResult(username, password.equals("secret") ? Optional.empty() : Optional.of(Refusal.AUTH_FAILED));
                progress = true;
            }
            if (session.isWaiting() && content != null && events.get(events.size() - 1) instanceof SessionEvent.MessageEnd) {
                stored.add(envelope);
                storedContent.add(content.toByteArray());
                content = null;
                session.messageStored("ID" + stored.size());
                progress = true;
            }
        }
    }

    List<String> replies(int from) {
        List<String> replies = new ArrayList<>();
        for (SessionEvent event : events.subList(from, events.size())) {
            if (event instanceof SessionEvent.Send send) {
                replies.add(send.reply().toString());
            } else if (event instanceof SessionEvent.StartTls start) {
                replies.add(start.ready().toString());
            }
        }
        return replies;
    }

    /** EHLO, STARTTLS, EHLO and AUTH PLAIN as alice. */
    SessionHarness authenticated() {
        send("EHLO client.test\r\n");
        send("STARTTLS\r\n");
        send("EHLO client.test\r\n");
        send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA==\r\n");
        return this;
    }

    String lastContent() {
        return new String(storedContent.get(storedContent.size() - 1), StandardCharsets.UTF_8);
    }
}
