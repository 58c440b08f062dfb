package org.mailgate.message;

import org.mailgate.message.MailboxList;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Who a submitted message says it is from, read so that every mail program would agree. */
class HeaderSectionTest {

    private static HeaderSection parse(String header) {
        return HeaderSection.parse(header.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            alice@example.com                                 | alice@example.com
            Alice <alice@example.com>                         | alice@example.com
            "Smith, Alice" <alice@example.com>                | alice@example.com
            alice@example.com (Alice Smith)                   | alice@example.com
            John Q. Public <jq@example.com>                   | jq@example.com
            =?utf-8?q?J=C3=B6rg?= <joerg@example.com>          | joerg@example.com
            Jörg <jörg@bücher.example>                        | jörg@bücher.example
            <alice@example.com>                               | alice@example.com
            a@example.com, Bob <b@example.com>                | a@example.com;b@example.com
            "quoted local"@example.com                        | "quoted local"@example.com
            """)
    @DisplayName("RFC 5322 3.4: plain mailbox lists are read as every reader reads them")
    void plainMailboxLists(String value, String expected) {
        assertThat(MailboxList.parse(value)).contains(List.of(expected.split(";")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "<alice@example.test>bob@example.test",        // Jakarta Mail reads alice, Python reads two authors
        "\"Bob <alice@example.test>",                  // unbalanced quote
        "Bob <alice@example.test",                     // unbalanced angle bracket
        "alice@example.test bob@example.test",
        "\"a\\\" <bob@example.test>\" <alice@example.test>", // a quoted pair: readers disagree on the escape
        "alice@example.test (Bob <bob@example.test>)", // an address in a comment
        "alice@example.test (nested (comment))",
        "undisclosed-recipients:;",                    // groups belong in To, never in From
        "team: alice@example.test;",
        "<@relay.example:alice@example.test>",         // a source route
        "a@example.test,,b@example.test",
        "a@example.test,",
        "< alice@example.test >",
        "alice",
        ""})
    @DisplayName("anything a common parser could read differently is refused")
    void ambiguousValuesAreRefused(String value) {
        assertThat(MailboxList.parse(value)).isEmpty();
    }

    @Test
    void authorsAreTheFromAndSenderAddresses() {
        HeaderSection h = parse("From: Alice <alice@example.com>\r\nSender: bob@example.com\r\nSubject: x\r\n");
        assertThat(h.authors()).contains(new HeaderSection.Authors(List.of("alice@example.com"), List.of("bob@example.com")));
        assertThat(parse("From: a@example.com\r\nFrom: b@example.com\r\n").authors().orElseThrow().from())
                .containsExactly("a@example.com", "b@example.com");
    }

    @Test
    @DisplayName("RFC 5322 2.2.3: a folded From is unfolded before it is read")
    void foldedFromIsUnfolded() {
        assertThat(parse("From: Alice\r\n <alice@example.com>\r\n").authors().orElseThrow().from()).containsExactly("alice@example.com");
    }

    @Test
    @DisplayName("RFC 5322 3.6.2: Sender names exactly one mailbox")
    void senderWithTwoMailboxesIsAmbiguous() {
        assertThat(parse("From: a@example.com\r\nSender: a@example.com, b@example.com\r\n").authors()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Subject: x\r\nNot a field\r\nFrom: a@example.com\r\n", " From: a@example.com\r\n", "Sub ject: x\r\nFrom: a@example.com\r\n"})
    @DisplayName("a line that is neither a field nor a continuation makes the header section ill-formed: readers end it in different places")
    void illFormedHeaderSection(String header) {
        HeaderSection h = parse(header);
        assertThat(h.wellFormed()).isFalse();
        assertThat(h.authors()).isEmpty();
    }

    @Test
    void obsoleteSpaceBeforeTheColonIsStillAField() {
        HeaderSection h = parse("From : a@example.com\r\n");
        assertThat(h.wellFormed()).isTrue();
        assertThat(h.authors().orElseThrow().from()).containsExactly("a@example.com");
    }
}
