package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailgate.dns.ZoneResolver;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * Real messages from Stalwart's mail-auth test set (resources/stalwart, Apache-2.0 OR MIT):
 * signed by GitHub, Facebook, IETF lists, Topicbox and the RFCs, each with the key records it
 * needs, verified a minute after the latest of their t= (Stalwart's own test uses a time
 * before Facebook's t=, which we refuse as a date in the future) and before Topicbox's x=.
 */
class StalwartMessagesTest {
    private static final Clock WHEN_SIGNED = Clock.fixed(Instant.ofEpochSecond(1667862801 + 60), ZoneOffset.UTC);

    /** The records part of a test file, as a resolver: each TXT value split into strings of 255, as DNS carries it. */
    static ZoneResolver records(String part) throws TextParseException {
        List<Record> records = new ArrayList<>();
        for (String line : part.split("\n")) {
            int space = line.indexOf(' ');
            String value = line.substring(space + 1);
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < value.length(); i += 255) {
                strings.add(value.substring(i, Math.min(value.length(), i + 255)));
            }
            records.add(new TXTRecord(Name.fromString(line.substring(0, space) + "."), DClass.IN, 300, strings));
        }
        return new ZoneResolver(records, Set.of());
    }

    static String[] testFile(String path) throws Exception {
        try (InputStream in = StalwartMessagesTest.class.getResourceAsStream(path)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = text.indexOf("\n\n");
            return new String[] {text.substring(0, split), text.substring(split + 2).replace("\n", "\r\n")};
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"001", "002", "003", "004", "005", "006"})
    void everySignatureOfTheMessageVerifies(String name) throws Exception {
        String[] test = testFile("/stalwart/dkim/" + name + ".txt");
        List<DkimResult> results = DkimVerifierTest.verify(new DkimVerifier(records(test[0]), WHEN_SIGNED),
                test[1].getBytes(StandardCharsets.UTF_8));
        assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.status()).as(r.domain() + " " + r.selector() + ": " + r.reason())
                .isEqualTo(DkimResult.Status.PASS));
    }
}
