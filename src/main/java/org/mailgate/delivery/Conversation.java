package org.mailgate.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.mailgate.delivery.tls.TlsSetup;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.ClientDialogue;
import org.mailgate.smtp.ClientDialogue.Step;
import org.mailgate.smtp.ContentEncoder;
import org.mailgate.smtp.Extensions;
import org.mailgate.spool.SpoolEnvelope;

/**
 * One outbound connection and its {@link ClientDialogue}: the dialogue decides every command, this
 * class only writes what a step says and reads the replies it asks for. Used by one thread at a
 * time (a delivery, or the pool between deliveries).
 */
final class Conversation {
    private static final int CHUNK = 64 * 1024;

    private final OutboundConnection connection;
    private final ClientDialogue dialogue;
    private final TlsSetup tls;

    /** @param tls how to start TLS when the dialogue asks for it; null when it never may */
    Conversation(OutboundConnection connection, ClientDialogue dialogue, TlsSetup tls) {
        this.connection = connection;
        this.dialogue = dialogue;
        this.tls = tls;
    }

    /** Greeting, EHLO, STARTTLS and AUTH as the dialogue's options say: {@link Step.Ready} or a {@link Step.Failed}. */
    Step open() throws IOException {
        return drive(dialogue.start(), null);
    }

    /**
     * One transaction (RFC 5321 3.3), using what the server offered: PIPELINING (RFC 2920), SIZE
     * (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), DSN (RFC 3461), CHUNKING (RFC 3030).
     * Returns an outcome for every recipient; an I/O error leaves them all pending, never delivered.
     */
    List<Outcome> send(RoutedMessage message) throws IOException {
        String peer = peer();
        List<Mailbox> all = message.recipients().stream().map(SpoolEnvelope.Recipient::address).toList();
        Extensions ext = dialogue.extensions();
        if (ext.maxSize() > 0 && message.size() > ext.maxSize()) {
            return all.stream().map(r -> DeliveryReply.TOO_LARGE.to(r, peer, message.size(), ext.maxSize(), peer)).toList();
        }
        if (message.envelope().smtpUtf8() && !ext.has("SMTPUTF8")) {
            return all.stream().map(r -> DeliveryReply.NEEDS_SMTPUTF8.to(r, peer, peer)).toList();
        }
        if (message.envelope().body() == BodyType.EIGHT_BIT_MIME && !ext.has("8BITMIME")) {
            return all.stream().map(r -> DeliveryReply.NEEDS_8BITMIME.to(r, peer, peer)).toList();
        }
        try (Content content = new Content(message)) {
            Step step = drive(dialogue.begin(message.transaction()), content);
            if (!(step instanceof Step.Done done)) {
                throw new IOException(peer + ": the dialogue ended the transaction with " + step);
            }
            List<Outcome> outcomes = new ArrayList<>(all.size());
            for (int i = 0; i < all.size(); i++) {
                outcomes.add(Outcome.of(all.get(i), done.perRecipient().get(i), peer));
            }
            return outcomes;
        }
    }

    /** RSET: whether the connection still answers (a pooled one is checked before reuse). */
    boolean reset() {
        try {
            return drive(dialogue.reset(), null) instanceof Step.Ready;
        } catch (IOException closedMeanwhile) {
            return false; // the server timed the idle connection out
        }
    }

    /** Performs steps until one needs a decision of the caller: ready, done, closed or failed. */
    private Step drive(Step first, Content content) throws IOException {
        Step step = first;
        while (true) {
            if (step instanceof Step.Send send) {
                for (String line : send.lines()) {
                    connection.send(line);
                }
                connection.flush();
                step = dialogue.reply(connection.readReply());
            } else if (step instanceof Step.StartTls) {
                if (tls == null) {
                    throw new IllegalStateException("the dialogue asked for TLS on a plaintext-only connection");
                }
                connection.startTls(tls);
                step = dialogue.tlsStarted();
            } else if (step instanceof Step.SendData) {
                step = dialogue.reply(content.writeData());
            } else if (step instanceof Step.SendChunks) {
                step = dialogue.reply(content.writeChunk());
            } else {
                return step;
            }
        }
    }

    /** The content of one transaction, opened at its first read. */
    private final class Content implements AutoCloseable {
        private final RoutedMessage message;
        private final byte[] buffer = new byte[CHUNK];
        private InputStream in;
        private ContentEncoder encoder;
        private long remaining;

        Content(RoutedMessage message) {
            this.message = message;
        }

        /** Dot-stuffed with its end line (RFC 5321 4.5.2). */
        Reply writeData() throws IOException {
            in = message.content().open();
            encoder = ContentEncoder.forData();
            int n;
            while ((n = in.read(buffer)) > 0) {
                byte[] wire = encoder.encode(buffer, 0, n);
                connection.sendRaw(wire, 0, wire.length);
            }
            byte[] end = encoder.end();
            connection.sendRaw(end, 0, end.length);
            connection.flush();
            return connection.readReply();
        }

        /** RFC 3030: no dot-stuffing, line ends made CRLF; one chunk per buffer, the last one marked LAST. */
        Reply writeChunk() throws IOException {
            if (in == null) {
                in = message.content().open();
                encoder = ContentEncoder.forChunks();
                remaining = message.size();
            }
            int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
            remaining -= n;
            byte[] chunk = encoder.encode(buffer, 0, n);
            connection.send(dialogue.chunk(chunk.length, remaining <= 0 || n == 0));
            connection.sendRaw(chunk, 0, chunk.length);
            connection.flush();
            return connection.readReply();
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    /** Empty while plaintext; else the TLS protocol and cipher. */
    String tls() {
        return connection.tls();
    }

    String peer() {
        return connection.peer();
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    void close() {
        connection.close();
    }

    /** Says QUIT politely (the dialogue's last step), then closes. */
    void quit() {
        try {
            connection.shortenTimeout();
            drive(dialogue.quit(), null);
        } catch (IOException alreadyGone) {
            // the server hung up first: the same outcome
        } finally {
            connection.close();
        }
    }
}
