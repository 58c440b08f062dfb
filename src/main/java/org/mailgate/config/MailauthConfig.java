package org.mailgate.config;

import java.util.Set;
import org.tomlj.TomlTable;

/**
 * What the inbound listener does with SPF, DKIM and DMARC, the config file's [mailauth] table.
 * Every message gets an Authentication-Results field while {@code verify} is on; the two
 * refusals can each be turned into "accept and report". ARC is off by default: the IETF is moving
 * it to Historic, and its result means something only for forwarders one chooses to trust.
 */
public final class MailauthConfig extends Settings<MailauthConfig> {
    static final Table TABLE = new Table("mailauth");

    /** false: inbound mail is neither checked nor given an Authentication-Results field. */
    public static final Key<Boolean> VERIFY = TABLE.key("verify", ValueType.FLAG, true);
    /** A DMARC failure under p=reject is refused with 550 5.7.1; false: accepted with the header. */
    public static final Key<Boolean> REJECT_DMARC = TABLE.key("reject-dmarc", ValueType.FLAG, true);
    /** Mail whose From names one of our domains, without a valid signature of ours, is refused. */
    public static final Key<Boolean> REJECT_LOCAL_FORGERY = TABLE.key("reject-local-forgery", ValueType.FLAG, true);

    /** SPF fail (-all) with no DKIM pass and no DMARC record: refused when true; by default accepted and reported. */
    public static final Key<Boolean> REJECT_SPF_FAIL = TABLE.key("reject-spf-fail", ValueType.FLAG, false);

    /** Our name in Authentication-Results (RFC 8601 2.5), and the one whose arriving fields are removed; empty: the server's hostname. */
    public static final Key<String> AUTHSERV_ID = TABLE.key("authserv-id", ValueType.HOSTNAME, "");

    /** ARC (RFC 8617) chains are verified and reported in Authentication-Results. */
    public static final Key<Boolean> ARC = TABLE.key("arc", ValueType.FLAG, false);
    /**
     * Forwarders (mailing lists, forwarding services) whose ARC seal we believe: a DMARC p=reject
     * failure they sealed with a passing chain is delivered to Junk instead of refused.
     */
    public static final Key<Set<String>> ARC_TRUSTED_SEALERS = TABLE.key("arc-trusted-sealers", ValueType.DOMAINS, Set.of());

    /** The table, with trusted sealers refused while ARC is off (they would be silently ignored). */
    static final ValueType<MailauthConfig> READ = (r, parent, key) -> {
        TomlTable table = r.table(parent, key.name());
        MailauthConfig config = new MailauthConfig(TABLE.read(r, table));
        if (!config.arc() && !config.arcTrustedSealers().isEmpty()) {
            throw new ConfigException(r.at(table.inputPositionOf(ARC_TRUSTED_SEALERS.name())) + ARC_TRUSTED_SEALERS.path()
                    + ": trusted sealers need ARC verification on: add arc = true to [mailauth]");
        }
        return config;
    };

    public static final MailauthConfig DEFAULTS = new MailauthConfig(TABLE.defaults());

    MailauthConfig(Values values) {
        super(values);
    }

    @Override
    MailauthConfig copy(Values changed) {
        return new MailauthConfig(changed);
    }

    public boolean verify() {
        return get(VERIFY);
    }

    public boolean rejectDmarc() {
        return get(REJECT_DMARC);
    }

    public boolean rejectLocalForgery() {
        return get(REJECT_LOCAL_FORGERY);
    }

    public boolean rejectSpfFail() {
        return get(REJECT_SPF_FAIL);
    }

    public boolean arc() {
        return get(ARC);
    }

    public Set<String> arcTrustedSealers() {
        return get(ARC_TRUSTED_SEALERS);
    }

    /** The configured authserv-id, else {@code hostname}. */
    public String authservId(String hostname) {
        String id = get(AUTHSERV_ID);
        return id.isEmpty() ? hostname : id;
    }
}
