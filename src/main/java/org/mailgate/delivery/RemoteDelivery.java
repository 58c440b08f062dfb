package org.mailgate.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.mailgate.config.AddressLiteral;
import org.mailgate.config.DeliveryConfig;
import org.mailgate.delivery.tls.DaneVerifier;
import org.mailgate.delivery.tls.MtaSts;
import org.mailgate.delivery.tls.TlsPolicy;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.HostAddresses;
import org.mailgate.dns.Resolver;
import org.mailgate.dns.TlsaRecord;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;
import org.mailgate.spool.SpoolEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery to a domain's MX servers (RFC 5321 5): hosts in preference order, each host's
 * addresses IPv6 first, until one server gives replies to our recipients. The TLS policy for
 * each host comes, in order, from the config's override, DANE, MTA-STS, else opportunistic.
 */
final class RemoteDelivery {
    private static final Logger log = LoggerFactory.getLogger(RemoteDelivery.class);

    private final DeliveryConfig config;
    private final Resolver dns;
    private final MxResolver mx;
    private final MtaSts mtaSts;
    private final Dialer dialer;
    private final ConnectionPool pool;

    RemoteDelivery(DeliveryConfig config, Resolver dns, MxResolver mx, MtaSts mtaSts, Dialer dialer, ConnectionPool pool) {
        this.config = config;
        this.dns = dns;
        this.mx = mx;
        this.mtaSts = mtaSts;
        this.dialer = dialer;
        this.pool = pool;
    }

    List<Outcome> deliver(String domain, RoutedMessage message) {
        List<Mailbox> recipients = message.recipients().stream().map(SpoolEnvelope.Recipient::address).toList();
        if (!config.allowPrivateLiterals() && AddressLiteral.parse(domain).filter(AddressLiteral::isInternal).isPresent()) {
            // Queued before the RCPT check existed, or by a config that allowed it then: still never connected to.
            return recipients.stream().map(r -> DeliveryReply.INTERNAL_LITERAL.to(r, "", domain)).toList();
        }
        MxResolver.Result result = mx.resolve(domain);
        if (!(result instanceof MxResolver.Hosts hosts)) {
            return recipients.stream().map(r -> switch (result) {
                case MxResolver.NullMx n -> DeliveryReply.NULL_MX.to(r, "", domain);
                case MxResolver.NoSuchDomain n -> DeliveryReply.NO_SUCH_DOMAIN.to(r, "", domain);
                case MxResolver.TemporaryFailure t -> DeliveryReply.DNS_FAILED.to(r, "", t.reason());
                case MxResolver.Hosts h -> throw new IllegalStateException("handled above");
            }).toList();
        }
        DeliveryConfig.TlsMode override = config.tlsPolicy().get(domain);
        Optional<MtaSts.Policy> sts = override == null ? mtaSts.policy(domain) : Optional.empty();
        boolean enforced = sts.isPresent() && sts.get().mode() == MtaSts.Mode.ENFORCE;
        Reply lastError = DeliveryReply.UNREACHABLE.reply("no MX host of " + domain + " could be reached");
        String lastServer = "";
        for (MxResolver.Host host : hosts.hosts()) {
            if (enforced && !sts.get().allows(host.name())) {
                lastError = DeliveryReply.NOT_IN_STS_POLICY.reply(host.name(), domain);
                log.warn("{}: {}", message.envelope().id(), lastError);
                continue;
            }
            HostAddresses addresses = mx.addresses(host.name());
            if (addresses.addresses().isEmpty()) {
                lastError = DeliveryReply.UNREACHABLE.reply(host.name() + ": " + addresses.error());
                continue;
            }
            TlsPolicy policy;
            try {
                policy = policy(domain, host.name(), hosts.secure() && addresses.secure(), override, enforced);
            } catch (IOException e) {
                lastError = DeliveryReply.DANE_UNKNOWN.reply(e.getMessage());
                continue;
            }
            for (InetAddress address : addresses.addresses()) {
                String key = host.name() + "[" + address.getHostAddress() + "] " + TlsPolicy.describe(policy);
                Conversation conversation;
                try {
                    Optional<Conversation> pooled = pool.take(key);
                    conversation = pooled.isPresent() ? Dialer.reused(message.envelope().id(), pooled.get())
                            : dialer.dial(message.envelope().id(), host.name(), new InetSocketAddress(address, config.port()), policy, false, false, Optional.empty());
                } catch (ConnectFailure f) {
                    lastError = f.reply();
                    lastServer = f.remoteMta();
                    log.info("{}: {}", message.envelope().id(), f.reply());
                    continue;
                }
                return pool.deliver(key, conversation, message);
            }
        }
        Reply reply = lastError;
        String server = lastServer;
        return recipients.stream().map(r -> Outcome.deferred(r, server, reply)).toList();
    }

    /** The TLS a host gets; throws when DANE's state cannot be known (RFC 7672 2.1.1: then no delivery). */
    private TlsPolicy policy(String domain, String host, boolean secure, DeliveryConfig.TlsMode override, boolean stsEnforced)
            throws IOException {
        if (override == DeliveryConfig.TlsMode.NONE) {
            return new TlsPolicy.Plaintext();
        }
        if (secure) {
            // RFC 7672 2.2.1: TLSA records only count where the MX and address lookups were DNSSEC-secure
            DnsAnswer<TlsaRecord> tlsa = dns.tlsa("_" + config.port() + "._tcp." + host);
            if (tlsa.failed()) {
                throw new IOException("TLSA lookup for " + host + " failed (" + tlsa.failure() + "), so DANE cannot be ruled out");
            }
            if (tlsa.secure() && !tlsa.records().isEmpty()) {
                List<TlsaRecord> records = tlsa.records();
                return DaneVerifier.hasUsable(records) ? new TlsPolicy.Dane(records, List.of(host, domain))
                        : new TlsPolicy.EncryptOnly("TLSA records, none usable");
            }
        }
        if (override == DeliveryConfig.TlsMode.REQUIRE_TLS) {
            return new TlsPolicy.Verified("require-tls in the config");
        }
        return stsEnforced ? new TlsPolicy.Verified("MTA-STS") : new TlsPolicy.Opportunistic();
    }
}
