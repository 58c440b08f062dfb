package org.mailgate.delivery;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.mailgate.spool.PrivateFiles;

/**
 * Local mailboxes in Maildir format, one per user under {@code mailboxes/ADDRESS/}, as Dovecot
 * reads them ({@code mail_location = maildir:DATA/mailboxes/%u}). A message is written to
 * {@code tmp/} under a unique name, fsynced, renamed into {@code new/}, and the directory fsynced:
 * a reader never sees half a message, and a crash never loses an acknowledged one. Mailboxes are
 * private: messages 0600 in 0700 folders.
 */
final class Maildir {
    private final Path root;
    private final String hostname;
    private final Clock clock;
    private final AtomicLong counter = new AtomicLong();
    private final long pid = ProcessHandle.current().pid();

    Maildir(Path root, String hostname, Clock clock) {
        this.root = root;
        this.clock = clock;
        // the unique name's host part must not hold "/" or ":" (the Maildir spec's escapes)
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    /** Delivers the content with Return-Path and Delivered-To prepended; returns the file in new/. */
    Path deliver(String user, String sender, InputStream content) throws IOException {
        return deliver(user, Optional.empty(), sender, content);
    }

    /**
     * Into a folder of the user's Maildir: Maildir++ keeps folder F in ".F" beside the inbox's
     * directories, marked by a "maildirfolder" file, which is where Dovecot looks.
     */
    Path deliver(String user, Optional<String> folder, String sender, InputStream content) throws IOException {
        Path mailbox = folder.isEmpty() ? mailbox(user) : mailbox(user).resolve("." + folder.get());
        if (folder.isPresent() && !Files.exists(mailbox.resolve("maildirfolder"))) {
            PrivateFiles.directories(mailbox);
            PrivateFiles.writeString(mailbox.resolve("maildirfolder"), "");
        }
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            if (!Files.isDirectory(mailbox.resolve(sub))) {
                PrivateFiles.directories(mailbox.resolve(sub));
            }
        }
        Instant now = clock.instant();
        String unique = now.getEpochSecond() + ".M" + now.getNano() / 1000 + "P" + pid + "Q" + counter.incrementAndGet() + "." + hostname;
        Path tmp = mailbox.resolve("tmp").resolve(unique);
        long size;
        try (FileChannel channel = PrivateFiles.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            // RFC 5321 4.4: the final delivery records the reverse-path as Return-Path
            out.write(("Return-Path: <" + sender + ">\nDelivered-To: " + user + "\n").getBytes(StandardCharsets.UTF_8));
            copyWithUnixLineEnds(content, out);
            out.flush();
            channel.force(true);
            size = channel.size();
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        // Dovecot reads ",S=size" to skip a stat
        Path target = mailbox.resolve("new").resolve(unique + ",S=" + size);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directory = FileChannel.open(mailbox.resolve("new"), StandardOpenOption.READ)) {
            directory.force(true);
        }
        return target;
    }

    Path mailbox(String user) throws IOException {
        if (user.isEmpty() || user.contains("/") || user.startsWith(".") || user.contains("\0")) {
            throw new IOException("not a mailbox name: " + user);
        }
        return root.resolve(user);
    }

    /** Maildir files hold Unix line ends, as every Maildir reader expects; the queue holds CRLF. */
    private static void copyWithUnixLineEnds(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        boolean pendingCr = false;
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (pendingCr && b != '\n') {
                    out.write('\r');
                }
                pendingCr = b == '\r';
                if (!pendingCr) {
                    out.write(b);
                }
            }
        }
        if (pendingCr) {
            out.write('\r');
        }
    }
}
