package org.mailgate.mailauth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.mailgate.message.HeaderSection;
import org.mailgate.message.Signer;
import org.mailgate.message.Transaction;

/**
 * Signs a message whose header From domain (or a parent of it) has active keys: relaxed/relaxed,
 * one signature per key in the order given (RSA before Ed25519: some receivers still fail
 * Ed25519-only mail), one body hash for all (RFC 6376 5, RFC 8463). Mail from any other domain
 * passes unsigned.
 */
public final class DkimSigner implements Signer {
    /** Folded lines stay under RFC 5322 2.1.1's 78 characters: h= names up to this, b= in chunks of B_LINE after a tab. */
    private static final int LINE = 76;
    private static final int B_LINE = 72;

    private final Function<String, List<SigningKey>> keys;
    private final Policy policy;
    private final Clock clock;

    /**
     * What every signature covers and how long it holds.
     *
     * @param oversigned names signed once more than present
     * @param once names signed as often as present
     * @param expiry the x= tag after t=; empty for none
     */
    public record Policy(List<String> oversigned, List<String> once, Optional<Duration> expiry) {
        public Policy {
            oversigned = List.copyOf(oversigned);
            once = List.copyOf(once);
        }
    }

    /** @param keys the active keys of a domain (d=), in signing order; empty when it has none */
    public DkimSigner(Function<String, List<SigningKey>> keys, Policy policy, Clock clock) {
        this.keys = keys;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public Optional<Signing> start(Transaction transaction, HeaderSection header, byte[] section) {
        Optional<String> domain = authorDomain(header);
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        List<SigningKey> signing = keysFor(domain.get());
        if (signing.isEmpty()) {
            return Optional.empty();
        }
        List<HeaderField> fields = HeaderField.split(section, section.length);
        List<String> names = HeaderSelection.names(fields, policy.oversigned(), policy.once());
        byte[] signed = HeaderSelection.data(fields, names, Canonicalization.RELAXED);
        long time = clock.instant().getEpochSecond();
        List<Field> pending = new ArrayList<>();
        for (SigningKey key : signing) {
            pending.add(new Field(key, tags(key, time, names)));
        }
        return Optional.of(new Message(pending, signed));
    }

    /** The domain of every From address, when there is one such domain (in its A-label form). */
    private static Optional<String> authorDomain(HeaderSection header) {
        List<String> from = header.authors().map(HeaderSection.Authors::from).orElse(List.of());
        List<String> domains = from.stream().map(a -> a.substring(a.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT)).distinct().toList();
        // the keys are filed under the domain's A-label form; a From domain that has none (an address literal) has no keys
        return domains.size() == 1 ? DkimKeyStore.domainName(domains.get(0)) : Optional.empty();
    }

    /** The keys of the domain, else of its nearest parent with keys (d= aligns with a From in a subdomain, RFC 7489 3.1.1). */
    private List<SigningKey> keysFor(String domain) {
        for (String d = domain; d.indexOf('.') > 0; d = d.substring(d.indexOf('.') + 1)) {
            List<SigningKey> found = keys.apply(d);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    /** Everything before bh=, folded: known when the header section is. */
    private String tags(SigningKey key, long time, List<String> names) {
        StringBuilder tags = new StringBuilder("DKIM-Signature: v=1; a=").append(key.key().algorithm().tag())
                .append("; c=relaxed/relaxed; d=").append(key.domain()).append(";\r\n\ts=").append(key.selector())
                .append("; t=").append(time).append(';');
        policy.expiry().ifPresent(expiry -> tags.append(" x=").append(time + expiry.toSeconds()).append(';'));
        StringBuilder line = new StringBuilder("\th=");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i) + (i + 1 < names.size() ? ":" : ";");
            if (line.length() + name.length() > LINE) {
                tags.append("\r\n").append(line);
                line.setLength(0);
                line.append('\t');
            }
            line.append(name);
        }
        return tags.append("\r\n").append(line).append("\r\n\tbh=").toString();
    }

    /** One key's field. Its length is fixed once the key is: bh= and b= have fixed lengths, so placeholders of theirs measure it. */
    private record Field(SigningKey key, String tags) {
        int length() {
            byte[] placeholder = new byte[key.key().signatureLength()];
            return format(unsigned(new byte[32]), Base64.getEncoder().encodeToString(placeholder)).length;
        }

        byte[] sign(byte[] signed, byte[] bodyHash) {
            String unsigned = unsigned(bodyHash);
            // RFC 6376 3.7: the signature field itself, b= empty, last, without its CRLF
            byte[] own = Canonicalization.RELAXED.header(HeaderField.of(unsigned.getBytes(StandardCharsets.US_ASCII)));
            byte[] data = Arrays.copyOf(signed, signed.length + own.length);
            System.arraycopy(own, 0, data, signed.length, own.length);
            return format(unsigned, Base64.getEncoder().encodeToString(key.key().sign(data)));
        }

        private String unsigned(byte[] bodyHash) {
            return tags + Base64.getEncoder().encodeToString(bodyHash) + ";\r\n\tb=";
        }

        /** The field with b= folded in lines of B_LINE characters. */
        private static byte[] format(String unsigned, String b) {
            StringBuilder folded = new StringBuilder(unsigned);
            for (int i = 0; i < b.length(); i += B_LINE) {
                folded.append(i == 0 ? "" : "\r\n\t").append(b, i, Math.min(b.length(), i + B_LINE));
            }
            return folded.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** One message: one relaxed body hash for all its signatures. */
    private static final class Message implements Signing {
        private final List<Field> fields;
        private final byte[] signed;
        private final int length;
        private final BodyHash body = new BodyHash(Canonicalization.RELAXED);

        Message(List<Field> fields, byte[] signed) {
            this.fields = fields;
            this.signed = signed;
            this.length = fields.stream().mapToInt(Field::length).sum();
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void body(byte[] bytes, int offset, int length) {
            body.update(bytes, offset, length);
        }

        @Override
        public byte[] fields() {
            byte[] hash = body.digest();
            ByteArrayOutputStream out = new ByteArrayOutputStream(length);
            for (Field field : fields) {
                out.writeBytes(field.sign(signed, hash));
            }
            return out.toByteArray();
        }
    }
}
