package org.mailgate.cli;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailgate.dns.Resolver;
import org.mailgate.dns.ZoneResolver;
import org.mailgate.mailauth.AuthenticationResults;
import org.mailgate.mailauth.DkimResult;
import org.mailgate.mailauth.MailAuthentication;
import org.mailgate.mailauth.Spf;
import org.mailgate.mailauth.SpfVerdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "mailauth", mixinStandardHelpOptions = true,
        description = "Check a message or a sender the way the inbound listener does: SPF, DKIM, DMARC, iprev.",
        subcommands = {MailauthCommand.Verify.class, MailauthCommand.SpfCheck.class})
final class MailauthCommand {

    /** Where the lookups go: a zone file (offline, for a record not yet published) or a DNS server. */
    static final class Lookups {
        @Option(names = "--zone", paramLabel = "FILE", description = "Answer every lookup from this zone file (RFC 1035 master format).")
        Path zone;
        @Mixin DnsOption dns;

        Resolver resolver() throws IOException {
            if (zone == null) {
                return dns.resolver();
            }
            if (dns.server != null) {
                throw new CommandFailure("--zone and --dns-server: give one of them");
            }
            if (!Files.isReadable(zone)) {
                throw new CommandFailure("--zone " + zone + ": no such file, or it cannot be read");
            }
            try {
                return ZoneResolver.read(zone);
            } catch (IOException e) {
                throw new CommandFailure("--zone " + zone + ": " + e.getMessage());
            }
        }
    }

    static InetAddress address(String text) {
        CommandFailure bad = new CommandFailure("--ip: expected an IPv4 or IPv6 address, got \"" + text + "\"");
        if (!text.matches("[0-9A-Fa-f:.]+") || !text.contains(".") && !text.contains(":")) {
            throw bad; // only literals: InetAddress would look a name up
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw bad;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Read a message from standard input and print its Authentication-Results field and each check's reasoning.",
                    "Exit code 0 when the checks ran, whatever they found."})
    static final class Verify implements Callable<Integer> {
        @Option(names = "--ip", paramLabel = "ADDR", description = "The sending client's address (default 127.0.0.1).") String ip = "127.0.0.1";
        @Option(names = "--helo", paramLabel = "NAME", description = "The name it gave in EHLO (default: the sender's domain).") String helo;
        @Option(names = "--sender", paramLabel = "ADDR", description = "MAIL FROM (default: the null reverse-path).") String sender = "";
        @Option(names = "--authserv-id", paramLabel = "NAME", description = "Our name in the field (default: this host's name).") String authservId;
        @Option(names = "--arc", description = "Validate the ARC chain too (RFC 8617), as [mailauth] arc = true does.") boolean arc;
        @Option(names = "--json", description = "One JSON object, for scripts.") boolean json;
        @Mixin Lookups lookups;

        @Override
        public Integer call() throws IOException {
            byte[] message = crlf(System.in.readAllBytes());
            // the header section keeps its last CRLF; the body starts after the empty line (none: all header)
            String text = new String(message, StandardCharsets.ISO_8859_1);
            int empty = text.startsWith("\r\n") ? -2 : text.indexOf("\r\n\r\n");
            int headerEnd = empty == -1 ? message.length : empty + 2;
            int bodyStart = empty == -1 ? message.length : empty + 4;
            String heloName = helo != null ? helo : sender.contains("@") ? sender.substring(sender.lastIndexOf('@') + 1) : "unknown";
            MailAuthentication checks = new MailAuthentication(lookups.resolver(), id(), Clock.systemUTC(), arc);
            MailAuthentication.Envelope envelope = checks.envelope(address(ip), heloName, sender);
            MailAuthentication.EnvelopeResults envelopeResults = envelope.check();
            MailAuthentication.Envelope.Message m = envelope.message(Arrays.copyOf(message, headerEnd));
            m.body(message, bodyStart, message.length - bodyStart);
            AuthenticationResults.Verdicts verdicts = m.finish(envelopeResults);
            SpfVerdict mailFrom = verdicts.spf().orElseThrow();
            SpfVerdict heloSpf = verdicts.helo().orElseThrow();
            String field = AuthenticationResults.field(id(), verdicts);
            if (json) {
                List<String> dkim = new ArrayList<>();
                for (DkimResult d : verdicts.dkim()) {
                    dkim.add(Json.object("result", Json.string(d.status().keyword()), "domain", Json.string(d.domain()), "selector",
                            Json.string(d.selector()), "algorithm", Json.string(d.algorithm()), "partialBody", String.valueOf(d.partialBody()),
                            "reason", Json.string(d.reason())));
                }
                var dmarc = verdicts.dmarc().orElseThrow();
                System.out.println(Json.object(
                        "authenticationResults", Json.string(field.strip()),
                        "iprev", Json.string(verdicts.iprev().orElse("")),
                        "spf", spf(mailFrom),
                        "helo", spf(heloSpf),
                        "dkim", "[" + String.join(",", dkim) + "]",
                        "dmarc", Json.object("result", Json.string(dmarc.result().keyword()), "from", Json.string(dmarc.fromDomain()),
                                "policy", Json.string(dmarc.policy().keyword()), "requested", Json.string(dmarc.requested().keyword()),
                                "reason", Json.string(dmarc.reason())),
                        "arc", verdicts.arc().map(a -> Json.object("result", Json.string(a.status().keyword()), "instances",
                                String.valueOf(a.instances()), "sealer", Json.string(a.sealer()), "reason", Json.string(a.reason())))
                                .orElse("null")));
                return 0;
            }
            System.out.print(field);
            System.out.println();
            System.out.println("iprev: " + verdicts.iprev().orElse("") + " for " + ip);
            System.out.println("spf (mailfrom " + mailFrom.sender() + "): " + mailFrom.result().keyword() + ": " + mailFrom.reason());
            System.out.println("spf (helo " + heloName + "): " + heloSpf.result().keyword() + ": " + heloSpf.reason());
            if (verdicts.dkim().isEmpty()) {
                System.out.println("dkim: none: the message has no DKIM-Signature");
            }
            for (DkimResult d : verdicts.dkim()) {
                System.out.println("dkim (d=" + d.domain() + " s=" + d.selector() + "): " + d.status().keyword()
                        + (d.reason().isEmpty() ? "" : ": " + d.reason()) + (d.partialBody() ? " (l= leaves part of the body unsigned)" : ""));
            }
            verdicts.dmarc().ifPresent(d -> System.out.println("dmarc (" + d.fromDomain() + "): " + d.result().keyword() + ": " + d.reason()
                    + "; policy " + d.policy().keyword() + (d.recordDomain().isEmpty() ? "" : " from _dmarc." + d.recordDomain())
                    + (d.testing() ? " (t=y: testing)" : "")));
            verdicts.arc().ifPresent(a -> System.out.println("arc: " + a.status().keyword()
                    + (a.instances() == 0 ? ": the message has no ARC sets" : " (" + a.instances() + " sets"
                            + (a.sealer().isEmpty() ? "" : ", the newest sealed by " + a.sealer()) + ")")
                    + (a.reason().isEmpty() ? "" : ": " + a.reason())));
            return 0;
        }

        private String id() {
            return authservId != null ? authservId : ServeCommand.localHostname();
        }
    }

    @Command(name = "spf", mixinStandardHelpOptions = true, description = "One SPF check (RFC 7208) of a sender from an address.")
    static final class SpfCheck implements Callable<Integer> {
        @Option(names = "--ip", paramLabel = "ADDR", required = true, description = "The sending client's address.") String ip;
        @Option(names = "--sender", paramLabel = "ADDR", required = true, description = "MAIL FROM; \"\" checks postmaster@ the HELO name.")
        String sender;
        @Option(names = "--helo", paramLabel = "NAME", description = "The EHLO name (default: the sender's domain).") String helo;
        @Option(names = "--json", description = "One JSON object, for scripts.") boolean json;
        @Mixin Lookups lookups;

        @Override
        public Integer call() throws IOException {
            String heloName = helo != null ? helo : sender.substring(sender.lastIndexOf('@') + 1);
            SpfVerdict v = new Spf(lookups.resolver(), ServeCommand.localHostname(), Clock.systemUTC()).mailFrom(address(ip), sender, heloName);
            if (json) {
                System.out.println(spf(v));
            } else {
                System.out.println(v.result().keyword() + ": " + v.reason() + (v.explanation().isEmpty() ? "" : "\nexplanation: " + v.explanation()));
            }
            return 0;
        }
    }

    private static String spf(SpfVerdict v) {
        return Json.object("result", Json.string(v.result().keyword()), "domain", Json.string(v.domain()), "sender", Json.string(v.sender()),
                "reason", Json.string(v.reason()), "explanation", Json.string(v.explanation()));
    }

    /** A message saved with bare LF line ends (most editors, most .eml files) is read as the CRLF it was sent with. */
    private static byte[] crlf(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + bytes.length / 40);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(bytes[i]);
        }
        return out.toByteArray();
    }
}
