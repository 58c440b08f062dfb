package org.mailgate.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import org.mailgate.mailauth.AuthenticationResults;

/**
 * The inbound checks' verdicts as counters, mailgate_mailauth_results_total{method, result}:
 * method is spf, dkim, dmarc or arc and result its RFC 8601 keyword, both closed sets. A message
 * with two DKIM signatures counts two dkim results.
 */
record MailauthMetrics(MeterRegistry registry) implements Consumer<AuthenticationResults.Verdicts> {

    @Override
    public void accept(AuthenticationResults.Verdicts verdicts) {
        verdicts.spf().ifPresent(spf -> count("spf", spf.result().keyword()));
        verdicts.dkim().forEach(dkim -> count("dkim", dkim.status().keyword()));
        if (verdicts.dkim().isEmpty()) {
            count("dkim", "none");
        }
        verdicts.dmarc().ifPresent(dmarc -> count("dmarc", dmarc.result().keyword()));
        verdicts.arc().ifPresent(arc -> count("arc", arc.status().keyword()));
    }

    private void count(String method, String result) {
        registry.counter("mailgate.mailauth.results", "method", method, "result", result).increment();
    }
}
