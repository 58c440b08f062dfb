package org.mailgate.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailgate.auth.ClientKey;
import org.mailgate.config.AddressRange;
import org.mailgate.config.Durations;
import org.mailgate.policy.BanList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ban", mixinStandardHelpOptions = true,
        description = "Show and steer the clients refused at connect; the running servers see changes within a second (with --config and a shared database, every node).",
        subcommands = {BanCommand.ListBans.class, BanCommand.Add.class, BanCommand.Remove.class})
final class BanCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The bans in force, automatic and manual.")
    static final class ListBans implements Callable<Integer> {
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            List<BanList.Ban> active;
            try (Storage storage = Storage.forCommand(data)) {
                BanList bans = new BanList(storage.bans(), Clock.systemUTC());
                bans.load();
                active = bans.active();
            }
            for (BanList.Ban ban : active) {
                System.out.printf("%-28s %-22s %s%n", ban.range(), ban.until() == null ? "never expires" : "until " + ban.until(), ban.reason());
            }
            if (active.isEmpty()) {
                System.out.println("no bans in force");
            }
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Refuse ADDRESS (or a network, ADDRESS/PREFIX) at connect.")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "ADDRESS[/PREFIX]") String address;
        @Option(names = "--for", paramLabel = "DURATION", description = "How long, e.g. 30m, 12h, 7d (default: until removed).")
        String duration;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the list (default: manual).", defaultValue = "manual")
        String reason;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            AddressRange range = range(address);
            if (reason.startsWith(BanList.Ban.AUTOMATIC)) {
                throw new CommandFailure("--reason: \"" + BanList.Ban.AUTOMATIC.strip() + "\" starts the reasons of automatic bans; give another");
            }
            Duration length = duration == null ? null : parseDuration(duration);
            if (length != null && !length.isPositive()) {
                throw new CommandFailure("--for " + duration + ": a ban that ends at once bans nothing (`ban remove` lifts a ban)");
            }
            for (String local : List.of("127.0.0.1", "::1")) {
                if (range.contains(InetAddress.getByName(local))) {
                    System.err.println("mailgate: warning: " + range + " covers " + local
                            + ": clients on this machine (your own tests, health checks, a local webmail) are refused too");
                }
            }
            Instant until = length == null ? null : Instant.now().plus(length);
            try (Storage storage = Storage.forCommand(data)) {
                new BanList(storage.bans(), Clock.systemUTC()).add(new BanList.Ban(range, until, reason));
            }
            System.out.println("banned " + range + (until == null ? "" : " until " + until));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Lift the ban of ADDRESS (or ADDRESS/PREFIX), as listed, and a login lockout of the client.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "ADDRESS[/PREFIX]") String address;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            AddressRange range = range(address);
            try (Storage storage = Storage.forCommand(data)) {
                boolean banned = new BanList(storage.bans(), Clock.systemUTC()).remove(range);
                // a client locked out by failed logins (not banned) is let in by the same command
                String client = ClientKey.of(range.network());
                String unlocked = storage.unlock(client) ? "lifted any login lockout of " + client + " on every node"
                        : "asked the running server to lift a login lockout of " + client + ", if any";
                System.out.println(banned ? "removed the ban of " + range : "no ban of " + range + "; " + unlocked);
            }
            return 0;
        }
    }

    private static AddressRange range(String text) {
        return AddressRange.parse(text).orElseThrow(() ->
                new CommandFailure("expected an IP address or a network such as 192.0.2.7, 2001:db8::/64 or 10.0.0.0/8, got \"" + text + "\""));
    }

    private static Duration parseDuration(String text) {
        return Durations.parse(text).orElseThrow(() ->
                new CommandFailure("--for: expected a duration such as 30m, 12h or 7d, got \"" + text + "\""));
    }
}
