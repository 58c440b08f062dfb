package org.mailgate.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"One message's whole story from the server's log: the session it came in on (connect, login, refusals), "
                + "its checks and queueing, every delivery attempt and connection, and the notices it caused, with theirs.",
                "Reads FILE, else standard input: journalctl -u mailgate | mailgate log QUEUEID. Text and JSON lines alike."})
final class LogCommand implements Callable<Integer> {
    private static final Pattern SESSION = Pattern.compile(" queued session=([0-9a-f]+) ");
    private static final Pattern NOTICE = Pattern.compile(" notice ([0-9A-Z]+) queued ");

    @Parameters(index = "0", paramLabel = "QUEUEID", description = "The queue ID, as the server answered it or `queue list` shows it.")
    String id;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "The log (default: standard input).")
    Path file;

    @Override
    public Integer call() throws IOException {
        List<String> lines;
        if (file != null) {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } else {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                lines = in.lines().toList();
            }
        }
        List<String> story = story(lines, id);
        if (story.isEmpty()) {
            throw new CommandFailure("no line of " + (file != null ? file : "standard input") + " names " + id);
        }
        story.forEach(System.out::println);
        return 0;
    }

    /**
     * The lines that tell {@code queueId}'s story, in the log's order: those naming it or a notice
     * it caused (and theirs), and those of the session it was queued in ("session=ID").
     */
    static List<String> story(List<String> lines, String queueId) {
        Set<String> ids = new LinkedHashSet<>(List.of(queueId));
        Set<String> sessions = new LinkedHashSet<>();
        boolean grew = true;
        while (grew) { // a notice's own notices: until nothing new turns up
            grew = false;
            for (String line : lines) {
                if (ids.stream().noneMatch(line::contains)) {
                    continue;
                }
                Matcher session = SESSION.matcher(line);
                grew |= session.find() && sessions.add(session.group(1));
                Matcher notice = NOTICE.matcher(line);
                grew |= notice.find() && ids.add(notice.group(1));
            }
        }
        return lines.stream()
                .filter(line -> ids.stream().anyMatch(line::contains) || sessions.stream().anyMatch(s -> line.contains("session=" + s + " ")))
                .toList();
    }
}
