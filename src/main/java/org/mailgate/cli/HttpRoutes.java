package org.mailgate.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.mailgate.auth.LocalDomains;
import org.mailgate.config.Durations;
import org.mailgate.config.HttpConfig;
import org.mailgate.config.MailgateConfig;
import org.mailgate.http.HttpResponse;

/**
 * What the HTTP listener serves of a running Mailgate: /metrics in Prometheus's text format,
 * /healthz (the process answers) and /readyz (listeners bound, spool writable with room,
 * delivery not stuck), each check a line, so a load balancer's or an admin's curl says why.
 */
final class HttpRoutes {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Mailgate mailgate;

    HttpRoutes(Mailgate mailgate) {
        this.mailgate = mailgate;
    }

    Map<String, Supplier<HttpResponse>> all() {
        Supplier<HttpResponse> autoconfig = this::autoconfig;
        return Map.of(
                "/metrics", () -> new HttpResponse(200, PROMETHEUS_TEXT, mailgate.registry().scrape().getBytes(StandardCharsets.UTF_8)),
                "/healthz", () -> HttpResponse.text(200, "ok\n"),
                "/readyz", this::readiness,
                "/.well-known/autoconfig/mail/config-v1.1.xml", autoconfig,
                "/mail/config-v1.1.xml", autoconfig,
                // RFC 8461 3.3: text/plain; served as https://mta-sts.DOMAIN/ by a TLS proxy in front
                "/.well-known/mta-sts.txt", () -> HttpResponse.text(200, DomainRecords.mtaStsPolicy(mailgate.server().config().hostname())));
    }

    private HttpResponse autoconfig() {
        MailgateConfig config = mailgate.server().config();
        LocalDomains local = mailgate.localDomains();
        Set<String> domains = new TreeSet<>(local.configured());
        domains.addAll(local.users().get().domains());
        String xml = ClientAutoconfig.document(config.hostname(), mailgate.server().bound(), domains,
                config.http() != null ? config.http() : HttpConfig.DEFAULTS);
        return new HttpResponse(200, "application/xml; charset=utf-8", xml.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse readiness() {
        MailgateConfig config = mailgate.server().config();
        List<String> lines = new ArrayList<>();
        boolean ready = true;

        int bound = mailgate.server().bound().size();
        int wanted = config.listeners().size();
        ready &= line(lines, bound == wanted, "listeners: " + bound + " of " + wanted + " bound");

        Storage.Health spool = mailgate.storage().health(config.limits().minFreeSpace());
        ready &= line(lines, spool.ok(), spool.line());

        Duration oldest = mailgate.census().oldestAge();
        Duration limit = (config.http() != null ? config.http() : HttpConfig.DEFAULTS).readyQueueAge();
        ready &= line(lines, oldest.compareTo(limit) <= 0, "queue: " + mailgate.census().last().waiting() + " waiting, the oldest for "
                + Durations.format(oldest) + " (ready-queue-age " + Durations.format(limit) + ")");

        return HttpResponse.text(ready ? 200 : 503, (ready ? "ready\n" : "not ready\n") + String.join("\n", lines) + "\n");
    }

    private static boolean line(List<String> lines, boolean ok, String what) {
        lines.add((ok ? "ok   " : "FAIL ") + what);
        return ok;
    }
}
