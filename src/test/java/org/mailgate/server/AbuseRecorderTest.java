package org.mailgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.mailgate.config.AutoBanConfig;
import org.mailgate.config.ListenerKind;
import org.mailgate.mail.Refusal;
import org.mailgate.policy.AutoBan;
import org.mailgate.policy.BanFile;
import org.mailgate.policy.BanList;

/** Which refusals count toward an automatic ban. */
class AbuseRecorderTest {
    @TempDir Path dir;

    @Test
    void unknownRecipientsBanAProberButNotALoggedInUsersTypos() throws Exception {
        BanList bans = new BanList(new BanFile(dir), Clock.systemUTC());
        AbuseRecorder recorder = new AbuseRecorder(new AutoBan(AutoBanConfig.DEFAULTS, bans, Runnable::run, Clock.systemUTC()),
                new RefusalLog(60_000, Clock.systemUTC()), new ServerMetrics(new SimpleMeterRegistry()));
        InetAddress office = InetAddress.getByName("192.0.2.10");
        InetAddress prober = InetAddress.getByName("198.51.100.7");
        for (int i = 0; i < 2 * AutoBanConfig.DEFAULTS.unknownRecipients(); i++) {
            recorder.refused(Refusal.UNKNOWN_USER, "RCPT TO:<x" + i + "@example.com>", new SessionTag("s1", office, 587, ListenerKind.SUBMISSION), "alice@example.com");
            recorder.refused(Refusal.UNKNOWN_USER, "RCPT TO:<x" + i + "@example.com>", new SessionTag("s2", prober, 25, ListenerKind.INBOUND), null);
        }
        assertThat(bans.find(office)).isEmpty();
        assertThat(bans.find(prober)).isPresent();
    }
}
