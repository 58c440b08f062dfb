package org.mailgate.config;

/**
 * What the inbound listener does with SPF, DKIM and DMARC, the config file's [mailauth] table.
 * Every message gets an Authentication-Results field while {@code verify} is on; the two
 * refusals can each be turned into "accept and report".
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

    /** The configured authserv-id, else {@code hostname}. */
    public String authservId(String hostname) {
        String id = get(AUTHSERV_ID);
        return id.isEmpty() ? hostname : id;
    }
}
