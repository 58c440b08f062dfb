package org.mailgate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make the running server read its config file again, as SIGHUP does, and print what it applied and what waits "
                + "for a restart. A config file that does not load is refused and the running one stays (exit status 1)."})
final class ReloadCommand implements Callable<Integer> {
    /** A reload that restarts delivery waits for its rounds in flight (up to 10 s); this leaves room for that. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Mixin DataDirOption data;

    @Override
    public Integer call() throws IOException, InterruptedException {
        data.config(); // a config file that does not load: its error now, and the server is not asked
        Path dir = data.existing();
        if (!DataDirLock.held(dir)) {
            throw new CommandFailure("no Mailgate is running on " + dir + ": nothing to reload (`mailgate serve` starts one)");
        }
        ReloadRequests requests = new ReloadRequests(dir);
        String id = requests.request();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<List<String>> answer = requests.answer(id);
            if (answer.isPresent()) {
                answer.get().forEach(System.out::println);
                return answer.get().stream().anyMatch(line -> line.startsWith(ServeCommand.NOT_RELOADED)) ? 1 : 0;
            }
            Thread.sleep(100);
        }
        throw new CommandFailure("the server on " + dir + " did not answer within " + PATIENCE.toSeconds() + "s; its log says why");
    }
}
