package org.mailgate.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.ClientCommands;
import org.mailgate.smtp.ContentEncoder;
import org.mailgate.smtp.Extensions;
import org.mailgate.spool.SpoolEnvelope;

/**
 * One message over an open session: MAIL FROM, RCPT TO for each recipient, then DATA (or BDAT,
 * RFC 3030, where offered), using what the server offered: PIPELINING (RFC 2920), SIZE (RFC
 * 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531) and DSN (RFC 3461). Returns an outcome for
 * every recipient; an I/O error after RCPT leaves the accepted recipients pending, never delivered.
 */
final class MessageTransfer {
    private static final int CHUNK = 64 * 1024;

    /** What is sent: the envelope, the recipients to this server, and a way to read the content. */
    record Message(SpoolEnvelope envelope, List<SpoolEnvelope.Recipient> recipients, long size, Content content) {}

    interface Content {
        InputStream open() throws IOException;
    }

    private MessageTransfer() {}

    static List<Outcome> send(SessionOpener.Session session, Message message) throws IOException {
        OutboundConnection c = session.connection();
        Extensions ext = session.extensions();
        SpoolEnvelope e = message.envelope();
        String peer = c.peer();
        List<Mailbox> all = message.recipients().stream().map(SpoolEnvelope.Recipient::address).toList();

        if (ext.maxSize() > 0 && message.size() > ext.maxSize()) {
            return all.stream().map(r -> DeliveryReply.TOO_LARGE.to(r, peer, message.size(), ext.maxSize(), peer)).toList();
        }
        if (e.smtpUtf8() && !ext.has("SMTPUTF8")) {
            return all.stream().map(r -> DeliveryReply.NEEDS_SMTPUTF8.to(r, peer, peer)).toList();
        }
        if (e.body() == BodyType.EIGHT_BIT_MIME && !ext.has("8BITMIME")) {
            return all.stream().map(r -> DeliveryReply.NEEDS_8BITMIME.to(r, peer, peer)).toList();
        }

        List<String> commands = new ArrayList<>();
        commands.add(ClientCommands.mailFrom(ext, e.sender(), message.size(), e.body(), e.smtpUtf8(), e.ret(), e.envelopeId()));
        for (SpoolEnvelope.Recipient r : message.recipients()) {
            commands.add(ClientCommands.rcptTo(ext, r.address(), r.notifyOn(), r.originalRecipient()));
        }
        List<Reply> replies = new ArrayList<>();
        if (ext.has("PIPELINING")) {
            replies.addAll(c.pipeline(commands));
        } else {
            for (String command : commands) {
                Reply reply = c.command(command);
                replies.add(reply);
                if (replies.size() == 1 && !reply.isPositive()) {
                    break;
                }
            }
        }
        Reply mail = replies.get(0);
        if (!mail.isPositive()) {
            reset(c);
            return all.stream().map(r -> Outcome.of(r, mail, peer)).toList();
        }
        List<Outcome> outcomes = new ArrayList<>();
        List<Mailbox> accepted = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Reply reply = replies.get(i + 1);
            if (reply.isPositive()) {
                accepted.add(all.get(i));
            } else {
                outcomes.add(Outcome.of(all.get(i), reply, peer));
            }
        }
        if (accepted.isEmpty()) {
            reset(c);
            return outcomes;
        }
        int expected = session.lmtp() ? accepted.size() : 1;
        List<Reply> results = ext.has("CHUNKING") ? bdat(c, message, expected) : data(c, message, expected);
        if (results.size() == 1 && accepted.size() > 1) {
            accepted.forEach(r -> outcomes.add(Outcome.of(r, results.get(0), peer)));
        } else if (session.lmtp()) {
            // RFC 2033 4.2: after the data, LMTP replies once per accepted recipient, in order
            for (int i = 0; i < accepted.size(); i++) {
                outcomes.add(Outcome.of(accepted.get(i), results.get(i), peer));
            }
        } else {
            outcomes.add(Outcome.of(accepted.get(0), results.get(0), peer));
        }
        return outcomes;
    }

    private static List<Reply> data(OutboundConnection c, Message message, int replies) throws IOException {
        Reply go = c.command("DATA");
        if (go.code() != 354) {
            return List.of(go);
        }
        ContentEncoder encoder = ContentEncoder.forData();
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = message.content().open()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                byte[] wire = encoder.encode(buffer, 0, n);
                c.sendRaw(wire, 0, wire.length);
            }
        }
        byte[] end = encoder.end();
        c.sendRaw(end, 0, end.length);
        c.flush();
        List<Reply> results = new ArrayList<>();
        for (int i = 0; i < replies; i++) {
            results.add(c.readReply());
        }
        return results;
    }

    /** RFC 3030: no dot-stuffing, line ends made CRLF; one chunk per buffer, the last one marked LAST. */
    private static List<Reply> bdat(OutboundConnection c, Message message, int replies) throws IOException {
        long remaining = message.size();
        byte[] buffer = new byte[CHUNK];
        ContentEncoder encoder = ContentEncoder.forChunks();
        try (InputStream in = message.content().open()) {
            do {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
                remaining -= n;
                boolean last = remaining <= 0 || n == 0;
                byte[] chunk = encoder.encode(buffer, 0, n);
                c.send("BDAT " + chunk.length + (last ? " LAST" : ""));
                c.sendRaw(chunk, 0, chunk.length);
                c.flush();
                Reply reply = c.readReply();
                if (!reply.isPositive()) {
                    return List.of(reply);
                }
                if (last) {
                    List<Reply> results = new ArrayList<>(List.of(reply));
                    for (int i = 1; i < replies; i++) {
                        results.add(c.readReply());
                    }
                    return results;
                }
            } while (true);
        }
    }

    private static void reset(OutboundConnection c) throws IOException {
        c.command("RSET");
    }
}
