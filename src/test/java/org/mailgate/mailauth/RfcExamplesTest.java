package org.mailgate.mailauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The examples of RFC 8463 appendix A and RFC 6376 appendix A, with the RFCs' own keys. */
class RfcExamplesTest {
    // RFC 8463 A.2: the Ed25519 private key is the RFC 8032 7.1 test 1 seed
    private static final String ED25519_SEED = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    private static final String ED25519_PUBLIC = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    // RFC 8463 A.2: the RSA key of the example, PKCS#1 as printed
    private static final String RSA_PRIVATE = """
            -----BEGIN RSA PRIVATE KEY-----
            MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi
            Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM
            KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB
            AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm
            6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe
            zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy
            6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc
            uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy
            WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd
            WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a
            licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst
            o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe
            uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL
            -----END RSA PRIVATE KEY-----
            """;
    // RFC 8463 A.3, with its CRLF line ends
    private static final String RFC8463_MESSAGE = String.join("\r\n",
            "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
            " subject : date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus",
            " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=test; t=1528637909; h=from : to : subject :",
            " date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3",
            " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz",
            " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game.  Are you hungry yet?",
            "",
            "Joe.",
            "");

    // RFC 6376 A.2 with errata 3192 (one space in "game. Are") and 4926 (the indentation)
    private static final String RFC6376_MESSAGE = String.join("\r\n",
            "DKIM-Signature: v=1; a=rsa-sha256; s=brisbane; d=example.com;",
            "      c=simple/simple; q=dns/txt; i=joe@football.example.com;",
            "      h=Received : From : To : Subject : Date : Message-ID;",
            "      bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            "      b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB",
            "        4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHut",
            "        KVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV",
            "        4bmp/YzhwvcubU4=;",
            "Received: from client1.football.example.com  [192.0.2.1]",
            "      by submitserver.example.com with SUBMISSION;",
            "      Fri, 11 Jul 2003 21:01:54 -0700 (PDT)",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game. Are you hungry yet?",
            "",
            "Joe.",
            "");
    // RFC 6376 A.3
    private static final String RFC6376_PUBLIC = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkM"
            + "oGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/R"
            + "tdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToI"
            + "MmPSPDdQPNUYckcQ2QIDAQAB";

    @Test
    @DisplayName("RFC 8463 A.3: the relaxed body hash is the example's")
    void rfc8463BodyHash() {
        assertEquals("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=", bodyHash(RFC8463_MESSAGE, Canonicalization.RELAXED));
    }

    @Test
    @DisplayName("RFC 8463 A.3: the Ed25519 signature is reproduced byte for byte (Ed25519 is deterministic)")
    void rfc8463Ed25519() throws Exception {
        DkimKey key = DkimKey.ed25519(Base64.getDecoder().decode(ED25519_SEED));
        assertEquals(ED25519_PUBLIC, key.publicKeyBase64(), "p= is the raw 32-octet public key (RFC 8463 4)");
        assertEquals(published(0), Base64.getEncoder().encodeToString(key.sign(headerData(0))));
    }

    @Test
    @DisplayName("RFC 8463 A.3: the RSA signature is reproduced byte for byte (PKCS#1 v1.5 is deterministic)")
    void rfc8463Rsa() throws Exception {
        DkimKey key = DkimKey.fromPem(RSA_PRIVATE);
        assertEquals(DkimAlgorithm.RSA_SHA256, key.algorithm());
        assertEquals(published(1), Base64.getEncoder().encodeToString(key.sign(headerData(1))));
    }

    @Test
    @DisplayName("RFC 6376 A: the example (with errata 3192 and 4926) verifies with its published key, simple/simple")
    void rfc6376Verifies() throws Exception {
        assertEquals("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=", bodyHash(RFC6376_MESSAGE, Canonicalization.SIMPLE));
        List<HeaderField> fields = fields(RFC6376_MESSAGE);
        HeaderField signature = fields.get(0);
        TagList tags = TagList.parse(value(signature)).orElseThrow();
        List<String> names = Arrays.stream(tags.get("h").orElseThrow().split(":")).map(String::strip).toList();
        byte[] data = concat(HeaderSelection.data(fields, names, Canonicalization.SIMPLE), withoutCrlf(withoutB(signature).raw()));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(RFC6376_PUBLIC))));
        rsa.update(data);
        assertTrue(rsa.verify(Base64.getDecoder().decode(tags.compact("b").orElseThrow())));
    }

    @Test
    @DisplayName("RFC 6376 3.4.4: relaxed body: WSP runs as one SP, none at line ends, trailing empty lines go, a last line gets its CRLF")
    void relaxedBody() {
        assertEquals(sha(" a b\r\n\r\nc\r\n"), hash(" a \t b \t\r\n \r\nc\r\n\r\n\r\n", Canonicalization.RELAXED));
        assertEquals(sha("no break\r\n"), hash("no break", Canonicalization.RELAXED));
        assertEquals(sha(""), hash("", Canonicalization.RELAXED), "an empty body hashes as nothing in relaxed (errata 3192)");
        assertEquals(sha(""), hash("\r\n\r\n", Canonicalization.RELAXED));
        assertEquals(sha("\r\n"), hash("", Canonicalization.SIMPLE), "and as one CRLF in simple (3.4.3)");
    }

    @Test
    @DisplayName("the body hash is the same whatever the body's chunks, even with a CRLF split between them")
    void bodyHashIgnoresChunking() {
        byte[] body = "line one  \r\n\r\n  two\t\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        BodyHash whole = new BodyHash(Canonicalization.RELAXED);
        whole.update(body, 0, body.length);
        BodyHash bytes = new BodyHash(Canonicalization.RELAXED);
        for (int i = 0; i < body.length; i++) {
            bytes.update(body, i, 1);
        }
        assertEquals(Base64.getEncoder().encodeToString(whole.digest()), Base64.getEncoder().encodeToString(bytes.digest()));
    }

    @Test
    @DisplayName("RFC 6376 3.4.2: relaxed header: name lowercased, unfolded, WSP runs as one SP; 8-bit octets kept as they are")
    void relaxedHeader() {
        byte[] raw = "SubJect :  caf\u00e9 \t b  \r\n\t c  \r\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("subject:caf\u00e9 b c\r\n", new String(Canonicalization.RELAXED.header(HeaderField.of(raw)), StandardCharsets.UTF_8));
    }

    private static String published(int index) {
        return TagList.parse(value(fields(RFC8463_MESSAGE).get(index))).orElseThrow().compact("b").orElseThrow();
    }

    /** What signature {@code index} of the RFC 8463 message signs: its h= fields, then itself without b=. */
    private static byte[] headerData(int index) {
        List<HeaderField> fields = fields(RFC8463_MESSAGE);
        HeaderField signature = fields.get(index);
        List<String> names = Arrays.stream(TagList.parse(value(signature)).orElseThrow().get("h").orElseThrow().split(":"))
                .map(String::strip).toList();
        return concat(HeaderSelection.data(fields, names, Canonicalization.RELAXED),
                withoutCrlf(Canonicalization.RELAXED.header(withoutB(signature))));
    }

    private static List<HeaderField> fields(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        return HeaderField.split(bytes, message.indexOf("\r\n\r\n") + 2);
    }

    private static String value(HeaderField field) {
        String text = new String(field.raw(), StandardCharsets.US_ASCII);
        return text.substring(text.indexOf(':') + 1);
    }

    /** RFC 6376 3.7: the field with the value of b= deleted, the rest as it is. */
    private static HeaderField withoutB(HeaderField field) {
        String text = new String(field.raw(), StandardCharsets.US_ASCII);
        String deleted = text.replaceAll("(?s)([;\\s]b=)[^;]*?(;|\r\n$)", "$1$2");
        return HeaderField.of(deleted.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] withoutCrlf(byte[] field) {
        return Arrays.copyOf(field, field.length - 2);
    }

    private static String bodyHash(String message, Canonicalization canonicalization) {
        return hash(message.substring(message.indexOf("\r\n\r\n") + 4), canonicalization);
    }

    private static String hash(String body, Canonicalization canonicalization) {
        BodyHash hash = new BodyHash(canonicalization);
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        hash.update(bytes, 0, bytes.length);
        return Base64.getEncoder().encodeToString(hash.digest());
    }

    private static String sha(String canonical) {
        try {
            return Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
