package org.mailgate.mailauth;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.mailgate.dns.DnsAnswer;
import org.mailgate.dns.Resolver;

/**
 * DKIM verification (RFC 6376 6, RFC 8463, RFC 8301): every DKIM-Signature of a message up to a
 * bound, the body hashed as it streams by (one hash per distinct canonicalization and l=), each
 * signature checked against its key at the end. rsa-sha1 and RSA keys under 1024 bits are refused.
 */
public final class DkimVerifier {
    /** Signatures past this many are not checked (a message with 50 of them costs 50 key lookups). */
    public static final int MAX_SIGNATURES = 5;
    /** A t= this far ahead of our clock is allowed (clocks differ). */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(15);
    private static final Pattern B_TAG = Pattern.compile("(^|;)([ \t\r\n]*b[ \t\r\n]*=)([^;]*)");

    private final Resolver resolver;
    private final Clock clock;

    public DkimVerifier(Resolver resolver, Clock clock) {
        this.resolver = resolver;
        this.clock = clock;
    }

    /** Starts on a message: its header section as received (each field with its CRLF, without the empty line). */
    public Verification start(byte[] header) {
        List<HeaderField> fields = HeaderField.split(header, header.length);
        List<Candidate> candidates = new ArrayList<>();
        List<DkimResult> unreadable = new ArrayList<>();
        Map<String, BodyHash> hashes = new HashMap<>();
        for (HeaderField field : fields) {
            if (!field.name().equals("dkim-signature")) {
                continue;
            }
            if (candidates.size() + unreadable.size() == MAX_SIGNATURES) {
                break;
            }
            Parsed parsed = parse(field, false);
            if (parsed.error() != null) {
                unreadable.add(parsed.error());
            } else {
                String key = parsed.signature().bodyCanonicalization() + "/" + parsed.signature().length().orElse(-1);
                BodyHash hash = hashes.computeIfAbsent(key,
                        k -> new BodyHash(parsed.signature().bodyCanonicalization(), parsed.signature().length().orElse(Long.MAX_VALUE)));
                candidates.add(new Candidate(parsed.signature(), hash));
            }
        }
        return new Verification(fields, candidates, unreadable, List.copyOf(hashes.values()));
    }

    /** A signature's tags, read. */
    record SignatureTags(HeaderField field, TagList tags, String algorithm, String domain, String selector,
            Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization, OptionalLong length,
            List<String> signedNames, byte[] bodyHash, byte[] signature, String b) {}

    record Parsed(SignatureTags signature, DkimResult error) {}

    private record Candidate(SignatureTags signature, BodyHash body) {}

    /** One message being verified. */
    public final class Verification {
        private final List<HeaderField> fields;
        private final List<Candidate> candidates;
        private final List<DkimResult> unreadable;
        private final List<BodyHash> hashes;

        private Verification(List<HeaderField> fields, List<Candidate> candidates, List<DkimResult> unreadable, List<BodyHash> hashes) {
            this.fields = fields;
            this.candidates = candidates;
            this.unreadable = unreadable;
            this.hashes = hashes;
        }

        /** Whether the message carries any signature at all. */
        public boolean signed() {
            return !candidates.isEmpty() || !unreadable.isEmpty();
        }

        public void body(byte[] bytes, int offset, int length) {
            for (BodyHash hash : hashes) {
                hash.update(bytes, offset, length);
            }
        }

        /** Each signature's verdict, in the order of the fields; looks up keys (blocking). */
        public List<DkimResult> finish() {
            Map<BodyHash, byte[]> digests = new HashMap<>();
            for (BodyHash hash : hashes) {
                digests.put(hash, hash.digest());
            }
            List<DkimResult> results = new ArrayList<>(unreadable);
            for (Candidate candidate : candidates) {
                results.add(verify(candidate.signature(), digests.get(candidate.body()), candidate.body().length(), fields));
            }
            return results;
        }
    }

    /**
     * A DKIM-Signature's tags, or an ARC-Message-Signature's ({@code arc}): the same but for v=,
     * which it has not, and i=, its instance rather than an identity (RFC 8617 4.1.2).
     */
    Parsed parse(HeaderField field, boolean arc) {
        String value = new String(field.raw(), StandardCharsets.ISO_8859_1);
        value = value.substring(value.indexOf(':') + 1);
        Optional<TagList> parsed = TagList.parse(value);
        if (parsed.isEmpty()) {
            return error("", "", "", "the " + (arc ? "ARC-Message-Signature" : "DKIM-Signature") + " is not a tag list");
        }
        TagList tags = parsed.get();
        String domain = tags.get("d").orElse("").toLowerCase(Locale.ROOT);
        String selector = tags.get("s").orElse("");
        String algorithm = tags.get("a").orElse("");
        for (String required : arc ? List.of("i", "a", "b", "bh", "d", "h", "s") : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (tags.get(required).isEmpty()) {
                return error(domain, selector, algorithm, "the signature has no " + required + "= tag");
            }
        }
        if (!arc && !tags.get("v").get().equals("1")) {
            return error(domain, selector, algorithm, "v=" + tags.get("v").get() + " is not DKIM version 1");
        }
        if (!algorithm.equals("rsa-sha256") && !algorithm.equals("ed25519-sha256")) {
            return error(domain, selector, algorithm, "algorithm " + algorithm + " is not accepted (RFC 8301: no SHA-1)");
        }
        List<String> names = Arrays.stream(tags.get("h").get().split(":")).map(n -> n.strip().toLowerCase(Locale.ROOT)).toList();
        if (!names.contains("from")) {
            return error(domain, selector, algorithm, "the signature does not cover From (RFC 6376 5.4)");
        }
        String identity = tags.get("i").orElse("@" + domain).toLowerCase(Locale.ROOT);
        String identityDomain = identity.substring(identity.lastIndexOf('@') + 1);
        if (!arc && !identityDomain.equals(domain) && !identityDomain.endsWith("." + domain)) {
            return error(domain, selector, algorithm, "i=" + identity + " is not within d=" + domain);
        }
        String[] canonicalization = tags.get("c").orElse("simple/simple").toLowerCase(Locale.ROOT).split("/", -1);
        Optional<Canonicalization> header = canonicalization(canonicalization[0]);
        Optional<Canonicalization> body = canonicalization(canonicalization.length > 1 ? canonicalization[1] : "simple");
        if (header.isEmpty() || body.isEmpty() || canonicalization.length > 2) {
            return error(domain, selector, algorithm, "c=" + tags.get("c").get() + " is not a canonicalization");
        }
        OptionalLong length = OptionalLong.empty();
        try {
            if (tags.get("l").isPresent()) {
                length = OptionalLong.of(Long.parseLong(tags.get("l").get()));
            }
            long now = clock.instant().getEpochSecond();
            if (tags.get("x").isPresent() && Long.parseLong(tags.get("x").get()) < now) {
                return error(domain, selector, algorithm, "the signature expired (x=)");
            }
            if (tags.get("t").isPresent() && Long.parseLong(tags.get("t").get()) > now + CLOCK_SKEW.toSeconds()) {
                return error(domain, selector, algorithm, "the signature is dated in the future (t=)");
            }
            byte[] bodyHash = Base64.getDecoder().decode(tags.compact("bh").get());
            byte[] signature = Base64.getDecoder().decode(tags.compact("b").get());
            return new Parsed(new SignatureTags(field, tags, algorithm, domain, selector, header.get(), body.get(), length, names,
                    bodyHash, signature, tags.compact("b").get()), null);
        } catch (NumberFormatException e) {
            return error(domain, selector, algorithm, "l=, t= or x= is not a number");
        } catch (IllegalArgumentException e) { // what Base64 throws for what is not base64
            return error(domain, selector, algorithm, "b= or bh= is not base64");
        }
    }

    private static Optional<Canonicalization> canonicalization(String name) {
        return switch (name) {
            case "simple" -> Optional.of(Canonicalization.SIMPLE);
            case "relaxed" -> Optional.of(Canonicalization.RELAXED);
            default -> Optional.empty();
        };
    }

    private static Parsed error(String domain, String selector, String algorithm, String why) {
        return new Parsed(null, new DkimResult(DkimResult.Status.PERMERROR, domain, selector, algorithm, "", OptionalLong.empty(), 0,
                false, why));
    }

    DkimResult verify(SignatureTags s, byte[] bodyHash, long bodyLength, List<HeaderField> fields) {
        String prefix = s.b().substring(0, Math.min(8, s.b().length()));
        if (s.length().isPresent() && s.length().getAsLong() > bodyLength) {
            return result(s, DkimResult.Status.FAIL, prefix, bodyLength, false, "l= is longer than the body");
        }
        PublishedKey key = key(s.domain(), s.selector(), s.algorithm());
        if (key instanceof PublishedKey.Unusable unusable) {
            return result(s, unusable.status(), prefix, bodyLength, unusable.testing(), unusable.reason());
        }
        PublishedKey.Usable usable = (PublishedKey.Usable) key;
        if (!MessageDigest.isEqual(bodyHash, s.bodyHash())) {
            return result(s, DkimResult.Status.FAIL, prefix, bodyLength, usable.testing(), "the body hash did not verify");
        }
        try {
            return usable.check().verifies(signedData(s, fields), s.signature())
                    ? result(s, DkimResult.Status.PASS, prefix, bodyLength, usable.testing(), "")
                    : result(s, DkimResult.Status.FAIL, prefix, bodyLength, usable.testing(), "the signature did not verify");
        } catch (GeneralSecurityException e) {
            // the JDK's words (e.g. "Bad signature length") would be a Java class's, not a mail admin's
            return result(s, DkimResult.Status.PERMERROR, prefix, bodyLength, usable.testing(), "b= is not a signature of this key's size or form");
        }
    }

    /** A key record of DKIM (RFC 6376 3.6.1), as ARC uses it too: what checks signatures made with it, or why it cannot be used. */
    sealed interface PublishedKey {
        record Usable(boolean testing, SignatureCheck check) implements PublishedKey {}

        record Unusable(DkimResult.Status status, boolean testing, String reason) implements PublishedKey {}
    }

    /** One key's verification of signed data. */
    interface SignatureCheck {
        boolean verifies(byte[] data, byte[] signature) throws GeneralSecurityException;
    }

    /** The key at {@code selector._domainkey.domain}, for a signature made with {@code algorithm}; looks it up (blocking). */
    PublishedKey key(String domain, String selector, String algorithm) {
        String keyName = selector + "._domainkey." + domain;
        DnsAnswer<String> answer = resolver.txt(keyName);
        if (answer.failed()) {
            return new PublishedKey.Unusable(DkimResult.Status.TEMPERROR, false, "key lookup at " + keyName + " failed: " + answer.failure());
        }
        if (answer.records().size() != 1) {
            return new PublishedKey.Unusable(DkimResult.Status.PERMERROR, false,
                    answer.records().isEmpty() ? "no key at " + keyName : keyName + " has " + answer.records().size() + " records");
        }
        Optional<TagList> key = TagList.parse(answer.records().get(0));
        if (key.isEmpty() || key.get().get("v").map(v -> !v.equals("DKIM1")).orElse(false)) {
            return new PublishedKey.Unusable(DkimResult.Status.PERMERROR, false, "the key record at " + keyName + " cannot be read");
        }
        boolean testing = Arrays.stream(key.get().get("t").orElse("").split(":")).map(String::strip).anyMatch("y"::equals);
        String keyType = key.get().get("k").orElse("rsa");
        if (!algorithm.startsWith(keyType + "-")) {
            return new PublishedKey.Unusable(DkimResult.Status.PERMERROR, testing, "the key is k=" + keyType + ", the signature a=" + algorithm);
        }
        String p = key.get().compact("p").orElse("");
        if (p.isEmpty()) {
            return new PublishedKey.Unusable(DkimResult.Status.PERMERROR, testing, "the key at " + keyName + " is revoked (empty p=)");
        }
        try {
            byte[] keyBytes = Base64.getDecoder().decode(p);
            if (keyType.equals("ed25519")) {
                Ed25519PublicKeyParameters publicKey = new Ed25519PublicKeyParameters(keyBytes, 0);
                return new PublishedKey.Usable(testing, (data, signature) -> {
                    Ed25519Signer verifier = new Ed25519Signer();
                    verifier.init(false, publicKey);
                    byte[] digest = MessageDigest.getInstance("SHA-256").digest(data); // RFC 8463 3: Ed25519 over the SHA-256
                    verifier.update(digest, 0, digest.length);
                    return verifier.verifySignature(signature);
                });
            }
            PublicKey publicKey = rsaKey(keyBytes);
            BigInteger modulus = ((RSAPublicKey) publicKey).getModulus();
            if (modulus.bitLength() < DkimKey.MIN_RSA_BITS) {
                return new PublishedKey.Unusable(DkimResult.Status.PERMERROR, testing,
                        "the key has " + modulus.bitLength() + " bits; under " + DkimKey.MIN_RSA_BITS + " are refused (RFC 8301)");
            }
            return new PublishedKey.Usable(testing, (data, signature) -> {
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(publicKey);
                verifier.update(data);
                return verifier.verify(signature);
            });
        } catch (GeneralSecurityException | IllegalArgumentException e) { // not base64, or no key of its k= in it
            return new PublishedKey.Unusable(DkimResult.Status.PERMERROR, testing, "the key at " + keyName + " is not a readable " + keyType + " public key");
        }
    }

    /**
     * An RSA key as DKIM records carry it: nearly always a SubjectPublicKeyInfo, as RFC 6376's own
     * example has it, but 3.6.1 names the bare RSAPublicKey (PKCS#1), which some publish.
     */
    private static PublicKey rsaKey(byte[] der) throws GeneralSecurityException {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        try {
            return rsa.generatePublic(new X509EncodedKeySpec(der));
        } catch (InvalidKeySpecException notSpki) {
            org.bouncycastle.asn1.pkcs.RSAPublicKey pkcs1 = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
            return rsa.generatePublic(new RSAPublicKeySpec(pkcs1.getModulus(), pkcs1.getPublicExponent()));
        }
    }

    /** RFC 6376 3.7: the signed fields, then this signature field with b= emptied, canonicalized, without its CRLF. */
    private static byte[] signedData(SignatureTags s, List<HeaderField> fields) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(HeaderSelection.data(fields, s.signedNames(), s.headerCanonicalization()));
        data.writeBytes(lastSigned(s.field(), s.headerCanonicalization()));
        return data.toByteArray();
    }

    /** A signature field as it ends the data it signs (RFC 6376 3.7, RFC 8617 5.1.1): b= emptied, canonicalized, without its CRLF. */
    static byte[] lastSigned(HeaderField field, Canonicalization canonicalization) {
        String raw = new String(field.raw(), StandardCharsets.ISO_8859_1);
        int colon = raw.indexOf(':');
        Matcher b = B_TAG.matcher(raw.substring(colon + 1));
        String emptied = b.find() ? raw.substring(0, colon + 1) + raw.substring(colon + 1, colon + 1 + b.end(2)) + raw.substring(colon + 1 + b.end(3))
                : raw;
        byte[] canonical = canonicalization.header(HeaderField.of(emptied.getBytes(StandardCharsets.ISO_8859_1)));
        int length = canonical.length;
        if (length >= 2 && canonical[length - 2] == '\r' && canonical[length - 1] == '\n') {
            length -= 2;
        }
        return Arrays.copyOf(canonical, length);
    }

    private static DkimResult result(SignatureTags s, DkimResult.Status status, String prefix, long bodyLength, boolean testing, String why) {
        return new DkimResult(status, s.domain(), s.selector(), s.algorithm(), prefix, s.length(), bodyLength, testing, why);
    }
}
