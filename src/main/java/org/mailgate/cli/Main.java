package org.mailgate.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code mailgate} command. */
@Command(name = "mailgate", mixinStandardHelpOptions = true, version = "Mailgate 0.1.0",
        description = "A secure submission and relay mail server.",
        subcommands = {ServeCommand.class, UserCommand.class, QueueCommand.class, BanCommand.class, DkimCommand.class, DnsCommand.class, MailauthCommand.class, CheckConfigCommand.class, ReloadCommand.class, BenchCommand.class})
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
        return commandLine.execute(args);
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
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: serve, reload, user, queue, ban, dkim, dns, mailauth, check-config or bench");
    }
}
