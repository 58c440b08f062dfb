package org.mailgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.mailgate.spool.DeliveryState;
import org.mailgate.spool.Spool;
import org.mailgate.spool.QueueEvent;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.RecipientState;
import org.mailgate.spool.SpoolEnvelope;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "queue", mixinStandardHelpOptions = true, description = "Look at and steer the mail queue.",
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Retry.class, QueueCommand.Hold.class,
            QueueCommand.Release.class, QueueCommand.Bounce.class, QueueCommand.Delete.class})
final class QueueCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List queued messages: state, next attempt, attempts and the last reply per recipient.")
    static final class ListQueue implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON array, for scripts.") boolean json;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            try (Storage storage = Storage.forCommand(data)) {
                Spool spool = storage.spool();
                List<QueuedMessage> messages = spool.list();
                Map<String, String> leases = spool.leases();
                List<String> objects = new ArrayList<>();
                for (QueuedMessage m : messages) {
                    DeliveryState state = spool.state(m);
                    if (json) {
                        objects.add(json(m, state, Optional.ofNullable(leases.get(m.id()))));
                    } else {
                        print(m, state, Optional.ofNullable(leases.get(m.id())));
                    }
                }
                if (json) {
                    System.out.println(Json.array(objects));
                } else {
                    System.out.println(messages.size() + (messages.size() == 1 ? " message" : " messages") + " in the queue");
                    if (data.config().map(c -> !c.delivery().enabled()).orElse(false)) {
                        System.out.println("delivery is off in " + data.configFile + " ([delivery] enabled = false): nothing here is sent");
                    }
                    List<String> aside = spool.setAside();
                    if (!aside.isEmpty()) {
                        System.out.println(aside.size() + " set aside as undeliverable for a local reason, " + storage.setAsideWhere()
                                + ": " + String.join(", ", aside));
                    }
                }
            }
            return 0;
        }

        private static void print(QueuedMessage m, DeliveryState state, Optional<String> lease) {
            SpoolEnvelope e = m.envelope();
            System.out.printf("%s  %s  %d bytes  from <%s>  %s%s%n", m.id(), e.arrival(), m.size(), sender(e), status(state),
                    lease.map(l -> "  being delivered by " + l).orElse(""));
            for (Map.Entry<Mailbox, RecipientState> r : state.recipients().entrySet()) {
                RecipientState s = r.getValue();
                System.out.printf("    <%s>  %s  attempts %d%s%n", r.getKey(), s.status().name().toLowerCase(Locale.ROOT),
                        s.attempts(), s.lastReply().isEmpty() ? "" : "  " + s.lastReplyLine());
            }
        }
    }

    /** "held", "next attempt at ...", or "due now". */
    static String status(DeliveryState state) {
        if (state.held()) {
            return "held";
        }
        Instant next = state.nextAttempt();
        return next == null || !next.isAfter(Instant.now()) ? "due now" : "next attempt " + next;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a message's envelope, delivery state and content.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            try (Storage storage = Storage.forCommand(data)) {
                Spool spool = storage.spool();
                QueuedMessage m = find(spool, id);
                SpoolEnvelope e = m.envelope();
                DeliveryState state = spool.state(m);
                System.out.println("id:        " + e.id());
                System.out.println("arrival:   " + e.arrival());
                System.out.println("client:    " + e.clientAddress().orElse("") + " (helo " + e.helo() + ", " + e.protocol() + ")");
                System.out.println("auth:      " + e.authenticatedUser().orElse("-"));
                System.out.println("sender:    <" + sender(e) + ">" + dsn("RET", e.ret().map(DsnReturn::keyword).orElse(""))
                        + dsn("ENVID", e.envelopeId().orElse("")));
                for (SpoolEnvelope.Recipient r : e.recipients()) {
                    RecipientState s = state.recipients().get(r.address());
                    System.out.println("recipient: <" + r.address() + ">" + dsn("NOTIFY", Notify.keywords(r.notifyOn()))
                            + dsn("ORCPT", r.originalRecipient().orElse(""))
                            + "  " + s.status().name().toLowerCase(Locale.ROOT) + ", attempts " + s.attempts()
                            + (s.lastReply().isEmpty() ? "" : ", last reply: " + s.lastReplyLine()));
                }
                System.out.println("size:      " + m.size());
                System.out.println("state:     " + status(state));
                System.out.println();
                try (InputStream in = spool.content(id)) {
                    in.transferTo(System.out);
                }
                System.out.flush();
            }
            return 0;
        }

        private static String dsn(String name, String value) {
            return value.isEmpty() ? "" : " " + name + "=" + value;
        }
    }

    /** ID or --all: which messages a steering command acts on. */
    static final class Selection {
        @Parameters(paramLabel = "ID", arity = "1") String id;
        @Option(names = "--all", required = true, description = "Every message in the queue.") boolean all;
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Attempt delivery now (also releases a held message).")
    static final class Retry implements Callable<Integer> {
        @ArgGroup(multiplicity = "1") Selection selection;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            return steer(data, selection, QueueEvent.RetryNow::new, "retry now");
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true, description = "Stop delivery attempts until released.")
    static final class Hold implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            return steer(data, one(id), QueueEvent.Held::new, "held");
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Let a held message be delivered again, on its schedule.")
    static final class Release implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            try (Storage storage = Storage.forCommand(data)) {
                Spool spool = storage.spool();
                QueuedMessage message = find(spool, id);
                if (!spool.state(message).held()) {
                    throw new CommandFailure(message.id() + " is not held: nothing to release (`mailgate queue retry " + message.id()
                            + "` attempts delivery now)");
                }
            }
            return steer(data, one(id), QueueEvent.Released::new, "released");
        }
    }

    @Command(name = "bounce", mixinStandardHelpOptions = true,
            description = "Give up: pending recipients fail now and the sender gets a bounce.")
    static final class Bounce implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            return steer(data, one(id), QueueEvent.BounceRequested::new, "bounce requested");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a message from the queue, telling no one.")
    static final class Delete implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            try (Storage storage = Storage.forCommand(data)) {
                Spool spool = storage.spool();
                if (!spool.delete(id)) {
                    throw new CommandFailure("no message " + id + " in the queue");
                }
                System.out.println("deleted " + id);
            }
            return 0;
        }
    }

    private static Selection one(String id) {
        Selection selection = new Selection();
        selection.id = id;
        return selection;
    }

    /** Appends the admin's event to the selected messages' journals and tells a running server to look. */
    private static int steer(DataDirOption data, Selection selection, Function<Instant, QueueEvent> event,
            String done) throws IOException {
        try (Storage storage = Storage.forCommand(data)) {
            Spool spool = storage.spool();
            List<String> ids = selection.all ? spool.list().stream().map(QueuedMessage::id).toList()
                    : List.of(find(spool, selection.id).id());
            for (String id : ids) {
                spool.record(id, List.of(event.apply(Instant.now())));
                System.out.println(id + ": " + done);
            }
            spool.signalChange();
            if (selection.all) {
                System.out.println(ids.size() + (ids.size() == 1 ? " message" : " messages"));
            }
        }
        return 0;
    }

    private static QueuedMessage find(Spool spool, String id) throws IOException {
        return spool.find(id).orElseThrow(() -> new CommandFailure("no message " + id + " in the queue"));
    }

    private static String json(QueuedMessage m, DeliveryState state, Optional<String> lease) {
        SpoolEnvelope e = m.envelope();
        List<String> recipients = new ArrayList<>();
        for (Map.Entry<Mailbox, RecipientState> r : state.recipients().entrySet()) {
            RecipientState s = r.getValue();
            recipients.add(Json.object(
                    "address", Json.string(r.getKey().toString()),
                    "state", Json.string(s.status().name().toLowerCase(Locale.ROOT)),
                    "attempts", Integer.toString(s.attempts()),
                    "last_reply", Json.string(s.lastReplyLine())));
        }
        return Json.object(
                "id", Json.string(e.id()),
                "arrival", Json.string(e.arrival().toString()),
                "sender", Json.string(sender(e)),
                "recipients", Json.array(recipients),
                "held", Boolean.toString(state.held()),
                "next_attempt", state.nextAttempt() == null ? "null" : Json.string(state.nextAttempt().toString()),
                "size", Long.toString(m.size()),
                "client", Json.string(e.clientAddress().orElse("")),
                "auth", Json.string(e.authenticatedUser().orElse("")),
                "lease", lease.map(Json::string).orElse("null"));
    }

    /** The reverse-path as the CLI shows it: empty for the null sender. */
    private static String sender(SpoolEnvelope e) {
        return e.sender().map(Mailbox::toString).orElse("");
    }
}
