package org.mailgate.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How `mailgate reload` (another process) asks the running server to reload and hears what the
 * reload did: a request file in DATA/reload, which the server takes within a second, and an
 * answer file beside it with the reload's report. A signal could ask, but it could not answer.
 */
final class ReloadRequests {
    private static final Logger log = LoggerFactory.getLogger(ReloadRequests.class);

    private final DropFolder folder;

    ReloadRequests(Path dataDir) {
        this.folder = new DropFolder(dataDir.resolve("reload"));
    }

    /** Asks for a reload; returns the request's id, to wait for its answer with. */
    String request() throws IOException {
        String id = UUID.randomUUID().toString();
        folder.put(id + ".request", "");
        return id;
    }

    /** The server's report for request {@code id}, once it answered (the answer is then removed). */
    Optional<List<String>> answer(String id) throws IOException {
        Path answer = folder.folder().resolve(id + ".answer");
        try {
            List<String> lines = Files.readAllLines(answer, StandardCharsets.UTF_8);
            Files.delete(answer);
            return Optional.of(lines);
        } catch (NoSuchFileException notYet) {
            return Optional.empty();
        }
    }

    /** The server's side: runs {@code reload} for each request waiting and answers it with the report. One thread. */
    void serve(Supplier<List<String>> reload) {
        try {
            for (Path request : folder.waiting(".request")) {
                Files.delete(request);
                String id = request.getFileName().toString().replace(".request", "");
                folder.put(id + ".answer", String.join("\n", reload.get()) + "\n");
            }
        } catch (IOException e) {
            log.warn("reload requests in {} not answered: {}", folder.folder(), e.getMessage());
        }
    }
}
