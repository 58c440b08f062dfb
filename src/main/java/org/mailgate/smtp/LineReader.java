package org.mailgate.smtp;

import java.util.Optional;

/**
 * Command lines (and AUTH responses) out of the input: a line ends at LF, a CR before it is
 * dropped, the text must be UTF-8 (RFC 6531 allows it in addresses). Nothing longer than
 * {@link #MAX_BUFFERED_LINE} is ever buffered: such a line is dropped as it arrives and reported
 * as too long once its end shows.
 */
final class LineReader {
    // RFC 4954 4: AUTH lines may be up to 12288 octets; nothing longer is ever buffered.
    static final int MAX_BUFFERED_LINE = 12288;

    /** What the input holds next. */
    sealed interface Line {
        /** A line, with the octets it took including its line end. */
        record Text(String text, int octets) implements Line {}

        /** A line longer than any this server buffers, now over. */
        record TooLong() implements Line {}

        /** A line that is not UTF-8. */
        record Malformed() implements Line {}
    }

    private boolean discarding;

    /** The next line, taken from the input; empty when it is not all there yet. */
    Optional<Line> next(InputBuffer input) {
        int lineFeed = input.indexOfLineFeed();
        if (lineFeed < 0) {
            if (input.readable() > MAX_BUFFERED_LINE) {
                discarding = true;
                input.clear();
            }
            return Optional.empty();
        }
        int start = input.start();
        int length = lineFeed - start;
        if (length > 0 && input.array()[lineFeed - 1] == '\r') {
            length--;
        }
        Optional<String> text = Utf8.decode(input.array(), start, length);
        int octets = lineFeed + 1 - start;
        input.skip(octets);
        if (discarding) {
            discarding = false;
            return Optional.of(new Line.TooLong());
        }
        return Optional.of(text.<Line>map(t -> new Line.Text(t, octets)).orElseGet(Line.Malformed::new));
    }
}
