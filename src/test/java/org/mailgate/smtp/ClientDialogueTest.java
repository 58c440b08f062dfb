package org.mailgate.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Reply;
import org.mailgate.smtp.ClientDialogue.Step;

/** The client dialogue against servers our own session is not: old ones, LMTP ones, refusing ones. */
class ClientDialogueTest {

    @Test
    @DisplayName("RFC 5321 3.2: a server that refuses EHLO with 5xx gets HELO, and then no extensions are used")
    void heloFallback() {
        ClientDialogue d = dialogue(false);
        assertThat(d.start()).isEqualTo(read());
        assertThat(d.reply(reply("220 old.test"))).isEqualTo(send("EHLO me.test"));
        assertThat(d.reply(reply("500 unknown command"))).isEqualTo(send("HELO me.test"));
        assertThat(d.reply(reply("250 old.test"))).isInstanceOf(Step.Ready.class);
        assertThat(d.begin(transaction("a@x.test", "b@x.test"))).isEqualTo(send("MAIL FROM:<s@me.test>"));
        assertThat(d.reply(reply("250 ok"))).isEqualTo(send("RCPT TO:<a@x.test>"));
        assertThat(d.reply(reply("250 ok"))).isEqualTo(send("RCPT TO:<b@x.test>"));
        assertThat(d.reply(reply("250 ok"))).isEqualTo(send("DATA"));
        assertThat(d.reply(reply("354 go"))).isInstanceOf(Step.SendData.class);
        assertThat(d.reply(reply("250 queued"))).isEqualTo(new Step.Done(List.of(reply("250 queued"), reply("250 queued"))));
    }

    @Test
    @DisplayName("RFC 2033 4.2: LMTP answers the data once per accepted recipient, in order; a refused RCPT keeps its own reply")
    void lmtpRepliesPerRecipient() {
        ClientDialogue d = dialogue(true);
        d.start();
        assertThat(d.reply(reply("220 lmtp.test"))).isEqualTo(send("LHLO me.test"));
        d.reply(new Reply(250, null, List.of("lmtp.test", "PIPELINING")));
        assertThat(d.begin(transaction("a@x.test", "b@x.test", "c@x.test")))
                .isEqualTo(new Step.Send(List.of("MAIL FROM:<s@me.test>", "RCPT TO:<a@x.test>", "RCPT TO:<b@x.test>", "RCPT TO:<c@x.test>")));
        d.reply(reply("250 ok"));
        d.reply(reply("250 ok"));
        d.reply(reply("550 5.1.1 no such user"));
        assertThat(d.reply(reply("250 ok"))).isEqualTo(send("DATA"));
        d.reply(reply("354 go"));
        assertThat(d.reply(reply("250 2.0.0 a delivered"))).isEqualTo(read());
        assertThat(d.reply(reply("452 4.2.2 c over quota"))).isEqualTo(new Step.Done(List.of(
                reply("250 2.0.0 a delivered"), reply("550 5.1.1 no such user"), reply("452 4.2.2 c over quota"))));
    }

    @Test
    @DisplayName("RFC 2920: a pipelined MAIL refused still has every RCPT reply read, then RSET; each recipient gets the MAIL reply")
    void pipelinedMailRefused() {
        ClientDialogue d = dialogue(false);
        d.start();
        d.reply(reply("220 mx.test"));
        d.reply(new Reply(250, null, List.of("mx.test", "PIPELINING")));
        d.begin(transaction("a@x.test", "b@x.test"));
        assertThat(d.reply(reply("550 5.7.1 sender refused"))).isEqualTo(read());
        assertThat(d.reply(reply("503 5.5.1 no MAIL"))).isEqualTo(read());
        assertThat(d.reply(reply("503 5.5.1 no MAIL"))).isEqualTo(send("RSET"));
        assertThat(d.reply(reply("250 ok"))).isEqualTo(new Step.Done(List.of(reply("550 5.7.1 sender refused"), reply("550 5.7.1 sender refused"))));
    }

    @Test
    @DisplayName("a greeting other than 220 is a refusal at the greeting; calling out of turn is the driver's bug")
    void refusedGreetingAndOutOfTurn() {
        ClientDialogue d = dialogue(false);
        d.start();
        assertThat(d.reply(reply("554 5.7.1 go away"))).isEqualTo(new Step.Refused("greeting", reply("554 5.7.1 go away")));
        assertThatThrownBy(() -> d.begin(transaction("a@x.test"))).isInstanceOf(IllegalStateException.class);
    }

    private static ClientDialogue dialogue(boolean lmtp) {
        return new ClientDialogue(new ClientDialogue.Options("me.test", lmtp, ClientDialogue.Tls.NONE, false, Optional.empty()));
    }

    private static ClientDialogue.Transaction transaction(String... to) {
        return new ClientDialogue.Transaction(Optional.of(Mailbox.stored("s@me.test")), -1, BodyType.SEVEN_BIT, false, Optional.empty(),
                Optional.empty(), List.of(to).stream().map(r -> new ClientDialogue.Recipient(Mailbox.stored(r), Set.of(), Optional.empty())).toList());
    }

    private static Reply reply(String line) {
        return Reply.parseLine(line);
    }

    private static Step send(String line) {
        return new Step.Send(List.of(line));
    }

    private static Step read() {
        return new Step.Send(List.of());
    }
}
