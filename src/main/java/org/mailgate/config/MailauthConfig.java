package org.mailgate.config;

import java.util.Map;
import java.util.Set;
import org.tomlj.TomlTable;

/**
 * What the inbound listener does with SPF, DKIM and DMARC, the config file's [mailauth] table.
 * Every message gets an Authentication-Results field while {@code verify} is on; each finding
 * (DMARC under p=reject or p=quarantine, a forgery of our domain, a lone SPF fail) is refused,
 * sent to Junk or accepted, as set. ARC is off by default: the IETF is moving
 * it to Historic, and its result means something only for forwarders one chooses to trust.
 */
public final class MailauthConfig extends Settings<MailauthConfig> {
    static final Table TABLE = new Table("mailauth");

    /** false: inbound mail is neither checked nor given an Authentication-Results field. */
    public static final Key<Boolean> VERIFY = TABLE.key("verify", ValueType.FLAG, true);
    /** What a finding leads to: "refuse" (550 5.7.x at the end of the data), "junk" (the Junk folder) or "accept" (with the header). */
    public enum Action {
        REFUSE, JUNK, ACCEPT
    }

    private static final ValueType<Action> ACTION = ValueType.choice("\"refuse\", \"junk\" or \"accept\"",
            Map.of("refuse", Action.REFUSE, "junk", Action.JUNK, "accept", Action.ACCEPT));

    /** A DMARC failure under p=reject. */
    public static final Key<Action> DMARC_REJECT = TABLE.key("dmarc-reject", ACTION, Action.REFUSE);
    /** A DMARC failure under p=quarantine. */
    public static final Key<Action> DMARC_QUARANTINE = TABLE.key("dmarc-quarantine", ACTION, Action.JUNK);
    /** Mail whose From names one of our domains, without a valid signature of ours. */
    public static final Key<Action> LOCAL_FORGERY = TABLE.key("local-forgery", ACTION, Action.REFUSE);
    /** SPF fail (-all) with no DKIM pass and no DMARC record. */
    public static final Key<Action> SPF_FAIL = TABLE.key("spf-fail", ACTION, Action.ACCEPT);

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

    public Action dmarcReject() {
        return get(DMARC_REJECT);
    }

    public Action dmarcQuarantine() {
        return get(DMARC_QUARANTINE);
    }

    public Action localForgery() {
        return get(LOCAL_FORGERY);
    }

    public Action spfFail() {
        return get(SPF_FAIL);
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
