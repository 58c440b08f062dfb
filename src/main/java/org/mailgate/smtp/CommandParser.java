package org.mailgate.smtp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailgate.mail.BodyType;
import org.mailgate.mail.DsnReturn;
import org.mailgate.mail.Mailbox;
import org.mailgate.mail.Notify;
import org.mailgate.mail.Refusal;
import org.mailgate.smtp.Command.MailParameters;
import org.mailgate.smtp.Command.RcptParameters;

/** Turns one command line (without its CRLF) into a {@link Command}, or throws {@link RefusalException}. */
public final class CommandParser {
    private static final long MAX_BDAT_DIGITS = 18;

    private CommandParser() {}

    /**
     * @param utf8Allowed whether non-ASCII addresses are allowed (SMTPUTF8 given on MAIL, or
     *     parsing MAIL itself, where the parameter is only known after the path)
     */
    public static Command parse(String line, boolean utf8Allowed) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1);
        return switch (verb) {
            case "EHLO" -> new Command.Ehlo(requireDomainArgument(argument));
            case "HELO" -> new Command.Helo(requireDomainArgument(argument));
            case "MAIL" -> mail(argument);
            case "RCPT" -> rcpt(argument, utf8Allowed);
            case "DATA" -> noArgument(argument, new Command.Data());
            case "BDAT" -> bdat(argument);
            case "RSET" -> noArgument(argument, new Command.Rset());
            case "NOOP" -> new Command.Noop();
            case "QUIT" -> noArgument(argument, new Command.Quit());
            case "HELP" -> new Command.Help();
            case "VRFY" -> new Command.Vrfy();
            case "EXPN" -> new Command.Expn();
            case "STARTTLS" -> noArgument(argument, new Command.StartTls());
            case "AUTH" -> auth(argument);
            default -> throw new RefusalException(Refusal.SYNTAX_ERROR);
        };
    }

    /** Parses "local@domain" (no angle brackets), as RFC 5321 writes a Mailbox; throws {@link RefusalException} when malformed. */
    public static Mailbox mailbox(String text, boolean utf8Allowed) {
        PathParser parser = new PathParser(text, utf8Allowed);
        Mailbox mailbox = parser.mailbox();
        parser.expectEnd();
        return mailbox;
    }

    private static String requireDomainArgument(String argument) {
        String domain = argument.strip();
        if (domain.isEmpty() || domain.contains(" ")) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        return domain;
    }

    private static Command noArgument(String argument, Command command) {
        if (!argument.isBlank()) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        return command;
    }

    private static Command mail(String argument) {
        String rest = expectKeyword(argument, "FROM:");
        // The path may be non-ASCII only with SMTPUTF8, which follows it: parse leniently, check after.
        PathParser parser = new PathParser(rest, true);
        Mailbox sender = parser.nullPath() ? null : parser.path();
        MailParameters parameters = mailParameters(rest.substring(parser.position()));
        if (sender != null && !parameters.smtpUtf8() && !sender.isAscii()) {
            throw new RefusalException(Refusal.SMTPUTF8_REQUIRED);
        }
        return new Command.Mail(sender, parameters);
    }

    private static Command rcpt(String argument, boolean utf8Allowed) {
        String rest = expectKeyword(argument, "TO:");
        // RFC 5321 4.1.1.3 and 4.5.1: "<Postmaster>" without a domain must be accepted, in any case
        if (rest.regionMatches(true, 0, "<postmaster>", 0, 12)) {
            return new Command.Rcpt(Command.BARE_POSTMASTER, rcptParameters(rest.substring(12)));
        }
        PathParser parser = new PathParser(rest, utf8Allowed);
        Mailbox recipient = parser.path();
        return new Command.Rcpt(recipient, rcptParameters(rest.substring(parser.position())));
    }

    private static String expectKeyword(String argument, String keyword) {
        if (!argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        // Tolerate "MAIL FROM: <a@b>": common in the field, and unambiguous.
        return argument.substring(keyword.length()).stripLeading();
    }

    private static MailParameters mailParameters(String text) {
        long size = -1;
        BodyType body = BodyType.SEVEN_BIT;
        boolean smtpUtf8 = false;
        Optional<DsnReturn> ret = Optional.empty();
        Optional<String> envelopeId = Optional.empty();
        for (Parameter p : Parameter.split(text)) {
            switch (p.keyword()) {
                case "SIZE" -> size = decimal(p.value(), 20);
                case "BODY" -> body = BodyType.of(p.value()).orElseThrow(() -> new RefusalException(Refusal.UNSUPPORTED_PARAMETER));
                case "SMTPUTF8" -> smtpUtf8 = p.requireNoValue();
                case "RET" -> ret = Optional.of(DsnReturn.of(p.value()).orElseThrow(() -> new RefusalException(Refusal.PARAMETER_SYNTAX)));
                case "ENVID" -> envelopeId = Optional.of(Xtext.require(p.value(), 100));
                case "AUTH" -> p.value(); // RFC 4954 5: accepted; we never trust a client's claim
                default -> throw new RefusalException(Refusal.UNSUPPORTED_PARAMETER);
            }
        }
        return new MailParameters(size, body, smtpUtf8, ret, envelopeId);
    }

    private static RcptParameters rcptParameters(String text) {
        Set<Notify> notify = Set.of();
        Optional<String> originalRecipient = Optional.empty();
        for (Parameter p : Parameter.split(text)) {
            switch (p.keyword()) {
                case "NOTIFY" -> notify = notify(p.upperValue());
                case "ORCPT" -> originalRecipient = Optional.of(originalRecipient(p.value()));
                default -> throw new RefusalException(Refusal.UNSUPPORTED_PARAMETER);
            }
        }
        return new RcptParameters(notify, originalRecipient);
    }

    /** RFC 3461 4.1: NEVER, or a comma list of SUCCESS, FAILURE, DELAY. */
    private static Set<Notify> notify(String value) {
        Set<Notify> keywords = EnumSet.noneOf(Notify.class);
        for (String keyword : value.split(",", -1)) {
            Optional<Notify> notify = Notify.of(keyword);
            if (notify.isEmpty() || !keywords.add(notify.get())) {
                throw new RefusalException(Refusal.PARAMETER_SYNTAX);
            }
        }
        if (keywords.contains(Notify.NEVER) && keywords.size() > 1) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        return Set.copyOf(keywords);
    }

    /** RFC 3461 4.2: ORCPT=addr-type ";" xtext. */
    private static String originalRecipient(String value) {
        int semicolon = value.indexOf(';');
        if (semicolon <= 0 || value.length() > 500) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        Xtext.require(value.substring(semicolon + 1), 500);
        return value;
    }

    private static Command bdat(String argument) {
        String[] words = argument.strip().split(" +");
        if (words.length < 1 || words.length > 2 || words[0].isEmpty()
                || words.length == 2 && !words[1].equalsIgnoreCase("LAST")) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        return new Command.Bdat(decimal(words[0], MAX_BDAT_DIGITS), words.length == 2);
    }

    private static Command auth(String argument) {
        String[] words = argument.strip().split(" +");
        if (words[0].isEmpty() || words.length > 2) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        return new Command.Auth(words[0].toUpperCase(Locale.ROOT), words.length == 2 ? words[1] : null);
    }

    private static long decimal(String value, long maxDigits) {
        if (value == null || value.isEmpty() || value.length() > maxDigits
                || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new RefusalException(Refusal.PARAMETER_SYNTAX);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            return Long.MAX_VALUE;
        }
    }

    /** One esmtp-param (RFC 5321 4.1.2): keyword [ "=" value ]. */
    private record Parameter(String keyword, String rawValue) {

        static List<Parameter> split(String text) {
            List<Parameter> parameters = new ArrayList<>();
            for (String word : text.strip().split(" +")) {
                if (word.isEmpty()) {
                    continue;
                }
                int equals = word.indexOf('=');
                String keyword = (equals < 0 ? word : word.substring(0, equals)).toUpperCase(Locale.ROOT);
                if (keyword.isEmpty() || parameters.stream().anyMatch(p -> p.keyword.equals(keyword))) {
                    throw new RefusalException(Refusal.PARAMETER_SYNTAX);
                }
                parameters.add(new Parameter(keyword, equals < 0 ? null : word.substring(equals + 1)));
            }
            return parameters;
        }

        String value() {
            if (rawValue == null || rawValue.isEmpty()) {
                throw new RefusalException(Refusal.PARAMETER_SYNTAX);
            }
            return rawValue;
        }

        String upperValue() {
            return value().toUpperCase(Locale.ROOT);
        }

        boolean requireNoValue() {
            if (rawValue != null) {
                throw new RefusalException(Refusal.PARAMETER_SYNTAX);
            }
            return true;
        }
    }
}
