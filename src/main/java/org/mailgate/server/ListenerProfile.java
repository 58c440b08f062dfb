package org.mailgate.server;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.mailgate.config.Limits;
import org.mailgate.config.ListenerKind;
import org.mailgate.config.MailgateConfig;
import org.mailgate.message.Check;
import org.mailgate.message.MessagePipeline;
import org.mailgate.message.ReceivedField;
import org.mailgate.message.SubmissionFixups;
import org.mailgate.smtp.BareLineFeed;
import org.mailgate.smtp.SessionSettings;

/**
 * What a listener's connections are, decided once per listener kind: the session's settings,
 * the message pipeline, and whether TLS comes before the greeting. Nothing else in the server
 * asks which kind a listener is.
 *
 * @param tlsFirst RFC 8314 implicit TLS: the handshake first, and a client refused at connect
 *     gets no reply in the clear (it would be noise to a TLS client)
 */
record ListenerProfile(SessionSettings settings, MessagePipeline pipeline, boolean tlsFirst) {

    /** The profile of each kind, for this config and these policies. */
    static Map<ListenerKind, ListenerProfile> all(MailgateConfig config, Check submission, Check inbound, PipelineSteps steps) {
        Map<ListenerKind, ListenerProfile> profiles = new EnumMap<>(ListenerKind.class);
        for (ListenerKind kind : ListenerKind.values()) {
            profiles.put(kind, of(kind, config, submission, inbound, steps));
        }
        return profiles;
    }

    /** Submitted mail is signed (RFC 6376) once fixed up; inbound mail is examined (SPF, DKIM, DMARC), never signed with our keys. */
    private static ListenerProfile of(ListenerKind kind, MailgateConfig config, Check submission, Check inbound, PipelineSteps steps) {
        String host = config.hostname();
        Limits limits = config.limits();
        ReceivedField received = new ReceivedField(host);
        MessagePipeline submitted = new MessagePipeline(List.of(submission), List.of(received, new SubmissionFixups(host)),
                steps.signers(), List.of(), limits.maxHeaderSize());
        return switch (kind) {
            case SUBMISSION -> new ListenerProfile(limited(SessionSettings.submission(host), limits), submitted, false);
            case SUBMISSIONS -> new ListenerProfile(limited(SessionSettings.submissions(host), limits), submitted, true);
            case INBOUND -> new ListenerProfile(limited(SessionSettings.inbound(host), limits),
                    new MessagePipeline(List.of(inbound), List.of(received), List.of(), steps.examiners(), limits.maxHeaderSize()), false);
        };
    }

    private static SessionSettings limited(SessionSettings settings, Limits limits) {
        return settings.withLimits(limits.maxMessageSize(), limits.maxRecipients(), limits.maxErrors(), limits.maxJunkCommands())
                .withBareLineFeed(limits.normalizeBareLineFeeds() ? BareLineFeed.NORMALIZE : BareLineFeed.REJECT);
    }
}
