package org.mailgate.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mailgate.dns.ZoneResolver;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The openspf RFC 7208 test suite (release 2014.04, BSD licence beside it in the resources),
 * every scenario's zone data served by a {@link ZoneResolver}, every test run through
 * {@link Spf}. A test may allow several results; the explanation is checked where it gives one.
 */
class Rfc7208SuiteTest {

    @TestFactory
    Stream<DynamicTest> rfc7208TestSuite() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/spf/rfc7208-tests.yml")) {
            for (Object document : new Yaml(new LoaderOptions()).loadAll(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> scenario = (Map<String, Object>) document;
                ZoneResolver zone = zone(asMap(scenario.get("zonedata")));
                Spf spf = new Spf(zone, "receiver.example", Clock.systemUTC());
                asMap(scenario.get("tests")).forEach((name, value) -> {
                    Map<String, Object> test = asMap(value);
                    tests.add(DynamicTest.dynamicTest(scenario.get("description") + ": " + name + " (" + test.get("spec") + ")",
                            () -> run(spf, test)));
                });
            }
        }
        assertThat(tests).hasSizeGreaterThan(200);
        return tests.stream();
    }

    private static void run(Spf spf, Map<String, Object> test) throws IOException {
        InetAddress ip = InetAddress.getByName((String) test.get("host"));
        String helo = (String) test.get("helo");
        String mailFrom = (String) test.get("mailfrom");
        SpfVerdict verdict = mailFrom.isEmpty() ? spf.helo(ip, helo) : spf.mailFrom(ip, mailFrom, helo);
        Object expected = test.get("result");
        List<String> allowed = expected instanceof List<?> list ? list.stream().map(Object::toString).toList() : List.of(expected.toString());
        assertThat(verdict.result().keyword()).as(test.get("spec") + " " + verdict.reason()).isIn(allowed);
        if (test.get("explanation") != null) {
            // pyspf says "DEFAULT" where the record gives no explanation; case is ignored because
            // pyspf writes the i macro's nibbles in the case the test wrote the address in
            assertThat(verdict.explanation().isEmpty() ? "DEFAULT" : verdict.explanation()).as(test.get("spec") + " " + verdict.result() + " " + verdict.reason()).isEqualToIgnoringCase((String) test.get("explanation"));
        }
    }

    /** The zone data as pyspf's driver reads it: SPF records stand for TXT ones unless the name lists TXT itself. */
    private static ZoneResolver zone(Map<String, Object> data) throws IOException {
        List<Record> records = new ArrayList<>();
        Set<Name> timeouts = new HashSet<>();
        for (Map.Entry<String, Object> entry : data.entrySet()) {
            Name name = Name.fromString(entry.getKey() + ".");
            List<?> entries = (List<?>) entry.getValue();
            boolean listsTxt = entries.stream().anyMatch(e -> e instanceof Map<?, ?> m && m.containsKey("TXT"));
            for (Object item : entries) {
                if ("TIMEOUT".equals(item)) {
                    timeouts.add(name);
                    continue;
                }
                Map<String, Object> typed = asMap(item);
                for (Map.Entry<String, Object> rr : typed.entrySet()) {
                    Object v = rr.getValue();
                    if ("TIMEOUT".equals(v)) {
                        timeouts.add(name);
                        continue;
                    }
                    switch (rr.getKey()) {
                        case "TXT" -> {
                            if (!"NONE".equals(v)) {
                                add(records, txt(name, v));
                            }
                        }
                        case "SPF" -> {
                            if (!listsTxt && !"NONE".equals(v)) {
                                add(records, txt(name, v));
                            }
                        }
                        case "A" -> records.add(new ARecord(name, DClass.IN, 300, InetAddress.getByName((String) v)));
                        case "AAAA" -> records.add(new AAAARecord(name, DClass.IN, 300, InetAddress.getByName((String) v)));
                        case "MX" -> {
                            List<?> mx = (List<?>) v;
                            records.add(new MXRecord(name, DClass.IN, 300, ((Number) mx.get(0)).intValue(), absolute((String) mx.get(1))));
                        }
                        case "PTR" -> records.add(new PTRRecord(name, DClass.IN, 300, absolute((String) v)));
                        case "CNAME" -> records.add(new CNAMERecord(name, DClass.IN, 300, absolute((String) v)));
                        default -> throw new IllegalArgumentException("record type " + rr.getKey());
                    }
                }
            }
        }
        return new ZoneResolver(records, timeouts);
    }

    /**
     * The YAML's strings are octets written as code points, as the suite's \\x escapes mean them;
     * pyspf encodes them as UTF-8, and so does this, through zone-file text with \\DDD escapes.
     * A record of no strings (illegal, "should not crash") is left out.
     */
    private static Record txt(Name name, Object value) throws IOException {
        List<String> strings = value instanceof List<?> list ? list.stream().map(Object::toString).toList() : List.of(value.toString());
        if (strings.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (String s : strings) {
            text.append(" \"");
            for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                int octet = b & 0xff;
                if (octet < 0x20 || octet >= 0x7f || octet == '"' || octet == '\\') {
                    text.append(String.format(Locale.ROOT, "\\%03d", octet));
                } else {
                    text.append((char) octet);
                }
            }
            text.append('"');
        }
        return Record.fromString(name, Type.TXT, DClass.IN, 300, text.toString().strip(), Name.root);
    }

    private static Name absolute(String name) throws IOException {
        return Name.fromString(name.toLowerCase(Locale.ROOT).endsWith(".") ? name : name + ".");
    }

    private static void add(List<Record> records, Record record) {
        if (record != null) {
            records.add(record);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
