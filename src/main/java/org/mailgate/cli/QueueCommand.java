package org.mailgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailgate.spool.FileSpool;
import org.mailgate.spool.QueuedMessage;
import org.mailgate.spool.SpoolEnvelope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "queue", mixinStandardHelpOptions = true, description = "Look at and steer the mail queue.",
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Delete.class})
final class QueueCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List queued messages.")
    static final class ListQueue implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON array, for scripts.") boolean json;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            try (FileSpool spool = new FileSpool(data.dataDir, false)) {
                List<QueuedMessage> messages = spool.list();
                if (json) {
                    System.out.println(Json.array(messages.stream().map(QueueCommand::json).toList()));
                    return 0;
                }
                for (QueuedMessage m : messages) {
                    SpoolEnvelope e = m.envelope();
                    System.out.printf("%s  %s  %7d  <%s> -> %s%n", m.id(), e.arrival(), m.size(), e.sender(),
                            String.join(", ", e.recipients().stream().map(r -> "<" + r.address() + ">").toList()));
                }
                System.out.println(messages.size() + (messages.size() == 1 ? " message" : " messages") + " in the queue");
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a message's envelope and content.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            try (FileSpool spool = new FileSpool(data.dataDir, false)) {
                QueuedMessage m = spool.find(id).orElseThrow(() -> new CommandFailure("no message " + id + " in the queue"));
                SpoolEnvelope e = m.envelope();
                System.out.println("id:        " + e.id());
                System.out.println("arrival:   " + e.arrival());
                System.out.println("client:    " + e.clientAddress() + " (helo " + e.helo() + ", " + e.protocol() + ")");
                System.out.println("auth:      " + (e.authenticatedUser().isEmpty() ? "-" : e.authenticatedUser()));
                System.out.println("sender:    <" + e.sender() + ">" + dsn("RET", e.ret()) + dsn("ENVID", e.envelopeId()));
                for (SpoolEnvelope.Recipient r : e.recipients()) {
                    System.out.println("recipient: <" + r.address() + ">" + dsn("NOTIFY", r.notifyOn()) + dsn("ORCPT", r.originalRecipient()));
                }
                System.out.println("size:      " + m.size());
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

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a message from the queue.")
    static final class Delete implements Callable<Integer> {
        @Parameters(paramLabel = "ID") String id;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            try (FileSpool spool = new FileSpool(data.dataDir, false)) {
                if (!spool.delete(id)) {
                    throw new CommandFailure("no message " + id + " in the queue");
                }
                System.out.println("deleted " + id);
            }
            return 0;
        }
    }

    private static String json(QueuedMessage m) {
        SpoolEnvelope e = m.envelope();
        return Json.object(
                "id", Json.string(e.id()),
                "arrival", Json.string(e.arrival().toString()),
                "sender", Json.string(e.sender()),
                "recipients", Json.array(e.recipients().stream().map(r -> Json.string(r.address())).toList()),
                "size", Long.toString(m.size()),
                "client", Json.string(e.clientAddress()),
                "auth", Json.string(e.authenticatedUser()));
    }

}
