package org.mailgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Maildir++ folders: a quarantined message lands in ".Junk/new", marked as a folder, where Dovecot shows it as Junk. */
class MaildirFolderTest {
    @TempDir Path dir;

    @Test
    void aMessageForTheJunkFolderGoesToDotJunk() throws Exception {
        Maildir maildir = new Maildir(dir, "mx.test", Clock.systemUTC());
        Path inbox = maildir.deliver("bob@example.net", "a@example.org", new ByteArrayInputStream("Subject: hi\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8)));
        Path junk = maildir.deliver("bob@example.net", Optional.of("Junk"), "a@example.org",
                new ByteArrayInputStream("Subject: prize\r\n\r\nwin\r\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(junk.getParent().getFileName().toString()).isEqualTo("new");
        assertThat(junk.getParent().getParent().getFileName().toString()).isEqualTo(".Junk");
        assertThat(junk.getParent().getParent().getParent()).isEqualTo(inbox.getParent().getParent());
        assertThat(junk.getParent().getParent().resolve("maildirfolder")).exists();
        assertThat(Files.readString(junk)).contains("Subject: prize");
    }
}
