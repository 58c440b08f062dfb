package org.mailgate.delivery.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** One file per domain under the data directory: "id", "mode", "expires", then one MX pattern a line. */
public final class MtaStsFiles implements MtaStsStore {
    private final Path directory;

    public MtaStsFiles(Path directory) {
        this.directory = directory;
    }

    @Override
    public Optional<MtaSts.Policy> load(String domain) throws IOException {
        if (domain.contains("/") || domain.startsWith(".")) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(directory.resolve(domain));
            return Optional.of(new MtaSts.Policy(lines.get(0), MtaSts.Mode.valueOf(lines.get(1)), lines.subList(3, lines.size()),
                    Instant.parse(lines.get(2))));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IndexOutOfBoundsException | IllegalArgumentException | DateTimeParseException e) {
            throw new IOException(directory.resolve(domain) + " is not a policy: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(String domain, MtaSts.Policy policy) throws IOException {
        Files.createDirectories(directory);
        Path tmp = directory.resolve(domain + ".tmp");
        Files.writeString(tmp, policy.id() + "\n" + policy.mode() + "\n" + policy.expires() + "\n" + String.join("\n", policy.mx()) + "\n");
        Files.move(tmp, directory.resolve(domain), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
