package org.mailgate.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailgate.mail.EnhancedStatus;
import org.mailgate.mail.Reply;

/**
 * Reads a server's reply line by line (RFC 5321 4.2.1): "250-text" continues, "250 text" or a
 * bare "250" ends it. The enhanced status code (RFC 2034) is taken off each line when its class
 * agrees with the reply code.
 */
public final class ReplyParser {
    private static final Pattern LINE = Pattern.compile("([2-5]\\d\\d)([ -]?)(.*)", Pattern.DOTALL);
    private static final Pattern STATUS = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})(?: (.*)|$)", Pattern.DOTALL);
    /** More lines than any real reply has: a peer sending endless continuations is cut off. */
    private static final int MAX_LINES = 200;

    private final List<String> lines = new ArrayList<>();
    private int code = -1;
    private EnhancedStatus status;

    /** A line the parser could not take: the peer does not speak SMTP. */
    public static final class MalformedReply extends Exception {
        MalformedReply(String message) {
            super(message);
        }
    }

    /** Takes one line without its CRLF; returns the reply once this line ends it, else null. */
    public Reply feed(String line) throws MalformedReply {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new MalformedReply("not an SMTP reply line: " + abbreviate(line));
        }
        int lineCode = Integer.parseInt(m.group(1));
        if (code >= 0 && lineCode != code) {
            throw new MalformedReply("reply code changed from " + code + " to " + lineCode + " within one reply");
        }
        code = lineCode;
        String text = m.group(3);
        Matcher s = STATUS.matcher(text);
        if (s.matches() && s.group(1).charAt(0) == m.group(1).charAt(0)) {
            status = EnhancedStatus.of(Integer.parseInt(s.group(1)), Integer.parseInt(s.group(2)), Integer.parseInt(s.group(3)));
            text = s.group(4) == null ? "" : s.group(4);
        }
        lines.add(text);
        if (m.group(2).equals("-")) {
            if (lines.size() >= MAX_LINES) {
                throw new MalformedReply("reply longer than " + MAX_LINES + " lines");
            }
            return null;
        }
        Reply reply = new Reply(code, status, lines);
        lines.clear();
        code = -1;
        status = null;
        return reply;
    }

    private static String abbreviate(String line) {
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }
}
