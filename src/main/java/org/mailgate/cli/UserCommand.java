package org.mailgate.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.mailgate.auth.PasswordHashes;
import org.mailgate.auth.User;
import org.mailgate.config.Limits;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Refusal;
import org.mailgate.smtp.CommandParser;
import org.mailgate.smtp.RefusalException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "user", mixinStandardHelpOptions = true, description = "Add, change, remove and list users.",
        subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Unlock.class, UserCommand.Remove.class,
            UserCommand.ListUsers.class, UserCommand.Alias.class, UserCommand.Sender.class, UserCommand.Import.class})
final class UserCommand {

    /** Changes the users the command acts on: the shared database's when --config says so, else the data directory's file. */
    private static void changeUsers(DataDirOption data, boolean creating, UnaryOperator<List<User>> change) throws IOException {
        try (Storage storage = Storage.forCommand(data, creating)) {
            storage.users().update(change);
        }
    }

    private static List<User> readUsers(DataDirOption data) throws IOException {
        try (Storage storage = Storage.forCommand(data, false)) {
            return storage.users().read();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user; the password is prompted for, or read from standard input.")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "ADDRESS") String address;
        @Option(names = "--password-stdin", description = "Read the password from standard input (one line).") boolean passwordStdin;
        @Option(names = "--any-sender", description = "Allow this user to send as any address.") boolean anySender;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            String login = validAddress(address);
            String hash = new PasswordHashes().hash(readPassword(passwordStdin, data));
            changeUsers(data, true, users -> {
                if (users.stream().anyMatch(u -> u.address().equals(login))) {
                    throw new CommandFailure("user " + login + " already exists");
                }
                users.add(new User(login, hash, List.of(), anySender));
                return users;
            });
            System.out.println("added " + login);
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Change a user's password.")
    static final class Passwd implements Callable<Integer> {
        @Parameters(paramLabel = "ADDRESS") String address;
        @Option(names = "--password-stdin", description = "Read the password from standard input (one line).") boolean passwordStdin;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            String login = User.normalize(address);
            String hash = new PasswordHashes().hash(readPassword(passwordStdin, data));
            changeUsers(data, false, users -> replace(users, login, u -> u.withPasswordHash(hash)));
            System.out.println("password changed for " + login);
            return 0;
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true,
            description = "Let a user locked out by failed logins log in again now, their failures forgotten.")
    static final class Unlock implements Callable<Integer> {
        @Parameters(paramLabel = "ADDRESS") String address;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            String login = User.normalize(address);
            try (Storage storage = Storage.forCommand(data, false)) {
                if (storage.users().read().stream().noneMatch(u -> u.address().equals(login))) {
                    throw new CommandFailure("no user " + login + "; see: mailgate user list");
                }
                System.out.println(storage.unlock(login) ? "unlocked " + login + " on every node"
                        : "asked the running server to unlock " + login + " (within a second)");
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "ADDRESS") String address;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            String login = User.normalize(address);
            changeUsers(data, false, users -> {
                if (!users.removeIf(u -> u.address().equals(login))) {
                    throw new CommandFailure("no user " + login);
                }
                return users;
            });
            System.out.println("removed " + login);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users, their aliases and sender policy.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            List<User> users;
            Map<String, String> status;
            try (Storage storage = Storage.forCommand(data)) {
                users = storage.users().read();
                status = storage.userStatus();
            }
            for (User user : users) {
                System.out.println(user.address() + (user.aliases().isEmpty() ? "" : "  aliases: " + String.join(", ", user.aliases()))
                        + (user.anySender() ? "  (may send as any address)" : "")
                        + (status.containsKey(user.address()) ? "  " + status.get(user.address()) : ""));
            }
            if (users.isEmpty()) {
                System.out.println("no users; add one with: mailgate user add ADDRESS");
            }
            return 0;
        }
    }

    @Command(name = "alias", mixinStandardHelpOptions = true, description = "Give a user more addresses.",
            subcommands = {AliasAdd.class, AliasRemove.class})
    static final class Alias {}

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Let ADDRESS own ALIAS: an address, or @domain for a whole domain.")
    static final class AliasAdd implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ADDRESS") String address;
        @Parameters(index = "1", paramLabel = "ALIAS") String alias;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            String login = User.normalize(address);
            String owned = alias.startsWith("@") ? "@" + validAddress("x" + alias).substring(2) : validAddress(alias);
            changeUsers(data, false, users -> {
                if (users.stream().anyMatch(u -> u.address().equals(owned) || u.aliases().contains(owned))) {
                    throw new CommandFailure(owned + " already belongs to a user");
                }
                return replace(users, login, u -> {
                    List<String> aliases = new ArrayList<>(u.aliases());
                    aliases.add(owned);
                    return u.withAliases(aliases);
                });
            });
            System.out.println(login + " now owns " + owned);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Take ALIAS away from ADDRESS.")
    static final class AliasRemove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ADDRESS") String address;
        @Parameters(index = "1", paramLabel = "ALIAS") String alias;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            String login = User.normalize(address);
            String owned = User.normalize(alias);
            changeUsers(data, false, users -> replace(users, login, u -> {
                if (!u.aliases().contains(owned)) {
                    throw new CommandFailure(login + " has no alias " + owned);
                }
                return u.withAliases(u.aliases().stream().filter(a -> !a.equals(owned)).toList());
            }));
            System.out.println(login + " no longer owns " + owned);
            return 0;
        }
    }

    @Command(name = "sender", mixinStandardHelpOptions = true,
            description = "Set which sender addresses a user may use: own (the user's addresses, the default) or any.")
    static final class Sender implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ADDRESS") String address;
        @Parameters(index = "1", paramLabel = "POLICY", description = "own or any") String policy;
        @Mixin DataDirOption data;

        @Override
        public Integer call() throws IOException {
            String login = User.normalize(address);
            if (!policy.equals("own") && !policy.equals("any")) {
                throw new CommandFailure("sender policy must be \"own\" or \"any\", not \"" + policy + "\"");
            }
            changeUsers(data, false, users -> replace(users, login, u -> u.withAnySender(policy.equals("any"))));
            System.out.println(login + " may send as " + (policy.equals("any") ? "any address" : "its own addresses only"));
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import users from a Dovecot passwd-file (user:{SCHEME}hash:...); bcrypt, SHA512-CRYPT and Argon2id hashes are kept as they are, and bcrypt and SHA512-CRYPT become Argon2id at each user's first login.",
                "A user who already exists is skipped, unless --replace, which changes only the password hash: aliases and the sender policy stay."})
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE") Path file;
        @Option(names = "--replace", description = "Replace the password hash of users who already exist.") boolean replace;
        @Mixin DataDirOption data;

        private record Entry(int line, String address, String hash) {}

        @Override
        public Integer call() throws IOException {
            List<Entry> entries = new ArrayList<>();
            int lineNumber = 0;
            boolean malformed = false;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split(":", -1);
                String address = fields.length >= 2 ? usableAddress(fields[0]) : null;
                if (address == null || !PasswordHashes.isSupported(fields[1])) {
                    System.err.println(file + ":" + lineNumber + ": skipped: expected address:{SCHEME}hash with a bcrypt, SHA512-CRYPT or Argon2id hash");
                    malformed = true;
                    continue;
                }
                entries.add(new Entry(lineNumber, address, fields[1]));
            }
            List<String> report = new ArrayList<>();
            int[] counts = new int[3]; // added, replaced, skipped
            changeUsers(data, true, users -> merge(users, entries, report, counts));
            report.forEach(System.out::println);
            System.out.printf("imported %d users: %d added, %d replaced, %d skipped%n", counts[0] + counts[1], counts[0], counts[1], counts[2]);
            return malformed ? 1 : 0;
        }

        private List<User> merge(List<User> users, List<Entry> entries, List<String> report, int[] counts) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Entry entry : entries) {
                String where = file + ":" + entry.line() + ": " + entry.address();
                int existing = indexOf(users, entry.address());
                if (!seen.add(entry.address())) {
                    report.add(where + ": skipped, named again on an earlier line");
                    counts[2]++;
                } else if (existing < 0) {
                    users.add(new User(entry.address(), entry.hash(), List.of(), false));
                    report.add(where + ": added");
                    counts[0]++;
                } else if (replace) {
                    users.set(existing, users.get(existing).withPasswordHash(entry.hash()));
                    report.add(where + ": password replaced (aliases and sender policy kept)");
                    counts[1]++;
                } else {
                    report.add(where + ": exists, skipped (--replace changes its password)");
                    counts[2]++;
                }
            }
            return users;
        }

        private static int indexOf(List<User> users, String address) {
            for (int i = 0; i < users.size(); i++) {
                if (users.get(i).address().equals(address)) {
                    return i;
                }
            }
            return -1;
        }

        private static String usableAddress(String text) {
            try {
                return validAddress(text);
            } catch (CommandFailure notUsable) {
                return null;
            }
        }
    }

    private static List<User> replace(List<User> users, String login, UnaryOperator<User> change) {
        for (int i = 0; i < users.size(); i++) {
            if (users.get(i).address().equals(login)) {
                users.set(i, change.apply(users.get(i)));
                return users;
            }
        }
        throw new CommandFailure("no user " + login);
    }

    /** An address a user can log in with: RFC 5321 syntax, no quoted local part, no colon or comma. */
    private static String validAddress(String text) {
        String address = User.normalize(text);
        try {
            Mailbox mailbox = CommandParser.mailbox(address, true);
            if (mailbox.isQuoted() || mailbox.isAddressLiteral() || !mailbox.domain().contains(".") && !mailbox.domain().equals("localhost")) {
                throw new RefusalException(Refusal.ADDRESS_SYNTAX);
            }
        } catch (RefusalException e) {
            throw new CommandFailure("not a usable address: \"" + text + "\" (expected user@example.com)");
        }
        return address;
    }

    /** The new password, at least [limits] min-password-length long (of the --config, else the default). */
    private static String readPassword(boolean fromStdin, DataDirOption data) throws IOException {
        int minimum = data.config().map(c -> c.limits().minPasswordLength()).orElse(Limits.DEFAULTS.minPasswordLength());
        String password;
        if (fromStdin) {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } else {
            Console console = System.console();
            if (console == null) {
                throw new CommandFailure("no terminal to prompt for the password: use --password-stdin");
            }
            char[] first = console.readPassword("Password: ");
            char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !new String(first).equals(new String(second))) {
                throw new CommandFailure("the passwords did not match");
            }
            password = new String(first);
        }
        if (password == null || password.isEmpty()) {
            throw new CommandFailure("empty password");
        }
        if (password.codePointCount(0, password.length()) < minimum) {
            throw new CommandFailure("the password has " + password.codePointCount(0, password.length()) + " characters; at least "
                    + minimum + " are needed ([limits] min-password-length): a short one falls to guessing");
        }
        return password;
    }
}
