package org.mailgate.mailauth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailgate.dns.Resolver;

/**
 * ARC chain validation (RFC 8617 5.2), verification only: the sets are complete and numbered
 * 1..N, the first seal says cv=none and every later one cv=pass, the newest
 * ARC-Message-Signature verifies over this message as a DKIM signature does, and every
 * ARC-Seal verifies over the sets up to its own. Keys are DKIM keys, read as DKIM reads them.
 * What a passing chain is worth is the receiver's choice (the sealer is reported): ARC proves
 * only who forwarded the message and what it said it saw.
 */
public final class ArcVerifier {
    /** RFC 8617 4.2.1: instances run from 1 to 50. */
    public static final int MAX_INSTANCES = 50;
    private static final Pattern INSTANCE = Pattern.compile("^[ \t\r\n]*i[ \t\r\n]*=[ \t\r\n]*([0-9]{1,3})[ \t\r\n]*(;|$)");

    private final DkimVerifier dkim;

    public ArcVerifier(DkimVerifier dkim) {
        this.dkim = dkim;
    }

    /** One ARC set: its three fields, each present once. */
    private record ArcSet(HeaderField results, HeaderField messageSignature, HeaderField seal) {
        ArcSet with(String name, HeaderField field) {
            return switch (name) {
                case "arc-authentication-results" -> new ArcSet(field, messageSignature, seal);
                case "arc-message-signature" -> new ArcSet(results, field, seal);
                default -> new ArcSet(results, messageSignature, field);
            };
        }

        HeaderField get(String name) {
            return switch (name) {
                case "arc-authentication-results" -> results;
                case "arc-message-signature" -> messageSignature;
                default -> seal;
            };
        }
    }

    /** Starts on a message: its header section as received (each field with its CRLF, without the empty line). */
    public Verification start(byte[] header) {
        List<HeaderField> fields = HeaderField.split(header, header.length);
        TreeMap<Integer, ArcSet> sets = new TreeMap<>();
        for (HeaderField field : fields) {
            String name = field.name();
            if (!name.equals("arc-seal") && !name.equals("arc-message-signature") && !name.equals("arc-authentication-results")) {
                continue;
            }
            String value = new String(field.raw(), StandardCharsets.ISO_8859_1);
            Matcher instance = INSTANCE.matcher(value.substring(value.indexOf(':') + 1));
            int i = instance.find() ? Integer.parseInt(instance.group(1)) : 0;
            if (i < 1 || i > MAX_INSTANCES) {
                return new Verification(fail(sets.size(), "", "a " + name + " field has no instance i= from 1 to " + MAX_INSTANCES));
            }
            ArcSet set = sets.getOrDefault(i, new ArcSet(null, null, null));
            if (set.get(name) != null) {
                return new Verification(fail(sets.size(), "", "instance " + i + " has two " + name + " fields"));
            }
            sets.put(i, set.with(name, field));
        }
        if (sets.isEmpty()) {
            return new Verification(ArcResult.none());
        }
        int newest = sets.lastKey();
        if (sets.size() != newest) {
            return new Verification(fail(sets.size(), "", "the instances are not numbered 1 to " + newest));
        }
        for (var entry : sets.entrySet()) {
            ArcSet set = entry.getValue();
            if (set.results() == null || set.messageSignature() == null || set.seal() == null) {
                return new Verification(fail(sets.size(), "", "instance " + entry.getKey() + " lacks one of its three fields"));
            }
        }
        List<ArcSet> chain = List.copyOf(sets.values());
        Optional<TagList> newestSeal = tags(chain.get(newest - 1).seal());
        String sealer = newestSeal.flatMap(t -> t.get("d")).orElse("").toLowerCase(Locale.ROOT);
        for (int i = 1; i <= newest; i++) {
            String cv = tags(chain.get(i - 1).seal()).flatMap(t -> t.get("cv")).orElse("").toLowerCase(Locale.ROOT);
            if (!cv.equals(i == 1 ? "none" : "pass")) {
                return new Verification(fail(newest, sealer, "the seal of instance " + i + " says cv=" + cv
                        + (cv.equals("fail") ? ": the chain had already failed" : ", not " + (i == 1 ? "none" : "pass"))));
            }
        }
        DkimVerifier.Parsed signature = dkim.parse(chain.get(newest - 1).messageSignature(), true);
        if (signature.error() != null) {
            return new Verification(fail(newest, sealer, "the message signature of instance " + newest + ": " + signature.error().reason()));
        }
        DkimVerifier.SignatureTags tags = signature.signature();
        return new Verification(fields, chain, sealer, tags, new BodyHash(tags.bodyCanonicalization(), tags.length().orElse(Long.MAX_VALUE)));
    }

    /** One message's chain being validated. */
    public final class Verification {
        private final ArcResult decided;
        private final List<HeaderField> fields;
        private final List<ArcSet> chain;
        private final String sealer;
        private final DkimVerifier.SignatureTags messageSignature;
        private final BodyHash body;

        private Verification(ArcResult decided) {
            this(decided, null, null, decided.sealer(), null, null);
        }

        private Verification(List<HeaderField> fields, List<ArcSet> chain, String sealer, DkimVerifier.SignatureTags messageSignature,
                BodyHash body) {
            this(null, fields, chain, sealer, messageSignature, body);
        }

        private Verification(ArcResult decided, List<HeaderField> fields, List<ArcSet> chain, String sealer,
                DkimVerifier.SignatureTags messageSignature, BodyHash body) {
            this.decided = decided;
            this.fields = fields;
            this.chain = chain;
            this.sealer = sealer;
            this.messageSignature = messageSignature;
            this.body = body;
        }

        public void body(byte[] bytes, int offset, int length) {
            if (body != null) {
                body.update(bytes, offset, length);
            }
        }

        /** The chain's status; looks up keys (blocking). */
        public ArcResult finish() {
            if (decided != null) {
                return decided;
            }
            int newest = chain.size();
            DkimResult ams = dkim.verify(messageSignature, body.digest(), body.length(), fields);
            if (ams.status() != DkimResult.Status.PASS) {
                String why = "the message signature of instance " + newest + ": " + ams.reason();
                return ams.status() == DkimResult.Status.TEMPERROR ? new ArcResult(ArcResult.Status.TEMPERROR, newest, sealer, why)
                        : fail(newest, sealer, why);
            }
            for (int i = newest; i >= 1; i--) {
                Optional<ArcResult> broken = seal(i);
                if (broken.isPresent()) {
                    return broken.get();
                }
            }
            return new ArcResult(ArcResult.Status.PASS, newest, sealer, "");
        }

        /** Checks the ARC-Seal of instance {@code i}: empty when it verifies, else the chain's status. */
        private Optional<ArcResult> seal(int i) {
            int newest = chain.size();
            HeaderField seal = chain.get(i - 1).seal();
            Optional<TagList> tags = tags(seal);
            String domain = tags.flatMap(t -> t.get("d")).orElse("").toLowerCase(Locale.ROOT);
            String selector = tags.flatMap(t -> t.get("s")).orElse("");
            String algorithm = tags.flatMap(t -> t.get("a")).orElse("");
            String which = "the seal of instance " + i;
            if (tags.isEmpty() || domain.isEmpty() || selector.isEmpty() || tags.get().compact("b").orElse("").isEmpty()) {
                return Optional.of(fail(newest, sealer, which + " lacks d=, s= or b="));
            }
            if (tags.get().get("h").isPresent()) {
                return Optional.of(fail(newest, sealer, which + " has an h= tag (RFC 8617 4.1.3)"));
            }
            if (!algorithm.equals("rsa-sha256") && !algorithm.equals("ed25519-sha256")) {
                return Optional.of(fail(newest, sealer, which + ": algorithm " + algorithm + " is not accepted"));
            }
            DkimVerifier.PublishedKey key = dkim.key(domain, selector, algorithm);
            if (key instanceof DkimVerifier.PublishedKey.Unusable unusable) {
                return Optional.of(new ArcResult(unusable.status() == DkimResult.Status.TEMPERROR ? ArcResult.Status.TEMPERROR : ArcResult.Status.FAIL,
                        newest, sealer, which + ": " + unusable.reason()));
            }
            try {
                byte[] signature = Base64.getDecoder().decode(tags.get().compact("b").get());
                if (((DkimVerifier.PublishedKey.Usable) key).check().verifies(sealed(i), signature)) {
                    return Optional.empty();
                }
                return Optional.of(fail(newest, sealer, which + " (d=" + domain + ") did not verify"));
            } catch (GeneralSecurityException | IllegalArgumentException e) { // b= not base64, or not of the key's size
                return Optional.of(fail(newest, sealer, which + ": b= is not a signature of this key's size or form"));
            }
        }

        /**
         * RFC 8617 5.1.1: what the seal of instance {@code i} signs, relaxed: the sets 1 to i in
         * order, each as ARC-Authentication-Results, ARC-Message-Signature, ARC-Seal, the last seal
         * with b= emptied and without its CRLF.
         */
        private byte[] sealed(int i) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (int n = 1; n <= i; n++) {
                ArcSet set = chain.get(n - 1);
                data.writeBytes(Canonicalization.RELAXED.header(set.results()));
                data.writeBytes(Canonicalization.RELAXED.header(set.messageSignature()));
                if (n < i) {
                    data.writeBytes(Canonicalization.RELAXED.header(set.seal()));
                }
            }
            data.writeBytes(DkimVerifier.lastSigned(chain.get(i - 1).seal(), Canonicalization.RELAXED));
            return data.toByteArray();
        }
    }

    private static Optional<TagList> tags(HeaderField field) {
        String value = new String(field.raw(), StandardCharsets.ISO_8859_1);
        return TagList.parse(value.substring(value.indexOf(':') + 1));
    }

    private static ArcResult fail(int instances, String sealer, String why) {
        return new ArcResult(ArcResult.Status.FAIL, instances, sealer, why);
    }
}
