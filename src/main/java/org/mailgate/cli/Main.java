package org.mailgate.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code mailgate} command. */
@Command(name = "mailgate", mixinStandardHelpOptions = true, version = "Mailgate 0.1.0",
        description = "A secure submission and relay mail server.",
        subcommands = {ServeCommand.class, UserCommand.class, QueueCommand.class, BanCommand.class, DkimCommand.class, DnsCommand.class, MailauthCommand.class, CheckConfigCommand.class, ReloadCommand.class, StorageCommand.class, LogCommand.class, ProbeCommand.class, AuditCommand.class, BenchCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOverwrittenOptionsAllowed(true); // the last of a repeated option wins, as in most Unix tools
        commandLine.setExecutionExceptionHandler((exception, cmd, parsed) -> {
            cmd.getErr().println("mailgate: " + said(exception));
            return 1;
        });
        commandLine.setExecutionStrategy(parsed -> {
            int code = 1;
            try {
                code = new CommandLine.RunLast().execute(parsed);
                return code;
            } finally {
                noteForTheServer(parsed, code);
            }
        });
        return commandLine.execute(args);
    }

    /** A command that changed the server is noted in its data directory, for the server's log ({@link OperatorLog}). */
    private static void noteForTheServer(CommandLine.ParseResult parsed, int code) {
        CommandLine.ParseResult leaf = parsed;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        CommandLine.Model.CommandSpec mixin = leaf.commandSpec().mixins().get("data");
        if (!OperatorLog.CHANGES.contains(leaf.commandSpec().qualifiedName()) || leaf.isUsageHelpRequested()
                || mixin == null || !(mixin.userObject() instanceof DataDirOption data)) {
            return;
        }
        try {
            Path dir = data.chosen();
            if (Files.isDirectory(dir)) {
                new OperatorLog(dir).record(OperatorLog.who(), parsed.originalArgs(), code, Clock.systemUTC());
            }
        } catch (IOException | RuntimeException e) {
            if (code == 0) { // a command that failed has said why already (a config that does not load, say)
                System.err.println("mailgate: warning: not noted for the server's log: " + e.getMessage());
            }
        }
    }

    /** An exception in an admin's words: a file error names the file and the cause, which the JDK's message alone does not. */
    static String said(Exception exception) {
        return switch (exception) {
            case AccessDeniedException denied -> denied.getFile() + ": permission denied (running as "
                    + System.getProperty("user.name") + ")";
            case NoSuchFileException missing -> missing.getFile() + ": no such file or directory";
            case FileSystemException other when other.getReason() != null -> other.getFile() + ": " + other.getReason();
            default -> exception.getMessage() != null ? exception.getMessage() : "failed (" + exception + ")";
        };
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: serve, reload, user, queue, ban, dkim, dns, mailauth, check-config, log, probe, audit or bench");
    }
}
