package org.mailgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's config block and the declared keys say the same: every key, and the defaults where it says "these are the defaults". */
class ReadmeConfigTest {
    private static final Pattern HEADER = Pattern.compile("^#?\\s*\\[\\[?([a-z][a-z.-]*)]]?.*");
    private static final Pattern KEY = Pattern.compile("^#?\\s*([a-z][a-z0-9-]*)\\s*=.*");

    @TempDir Path dir;

    private static String block() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```toml\n", readme.indexOf("### Config file (TOML)")) + "```toml\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    /** The keys the block names in each table, commented-out examples included; a table's header names it in its parent. */
    private static Map<String, Set<String>> namedKeys(String block) {
        Map<String, Set<String>> keys = new TreeMap<>();
        String table = "";
        keys.put(table, new TreeSet<>());
        for (String line : block.split("\n")) {
            Matcher header = HEADER.matcher(line);
            Matcher key = KEY.matcher(line);
            if (header.matches()) {
                table = header.group(1);
                int dot = table.lastIndexOf('.');
                keys.computeIfAbsent(dot < 0 ? "" : table.substring(0, dot), t -> new TreeSet<>()).add(table.substring(dot + 1));
                keys.computeIfAbsent(table, t -> new TreeSet<>());
            } else if (key.matches()) {
                keys.get(table).add(key.group(1));
            }
        }
        return keys;
    }

    @Test
    @DisplayName("every declared key is in the README's config block, and the block names no key that is not declared")
    void theBlockNamesExactlyTheDeclaredKeys() throws IOException {
        Map<String, Set<String>> named = namedKeys(block());
        for (Table table : ConfigLoader.TABLES) {
            assertThat(named.get(table.name())).as("the README's keys of [%s]", table.name())
                    .containsExactlyInAnyOrderElementsOf(table.names());
        }
        Set<String> tables = new TreeSet<>(ConfigLoader.TABLES.stream().map(Table::name).toList());
        tables.add("delivery.tls-policy"); // its keys are the domains the admin names
        assertThat(named.keySet()).as("tables in the README").containsExactlyInAnyOrderElementsOf(tables);
    }

    @Test
    @DisplayName("the README's config block loads, and the tables it gives as defaults are the defaults")
    void theBlockLoadsWithTheDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("mailgate.toml"), block());
        MailgateConfig config = ConfigLoader.load(file);
        assertThat(config.limits()).isEqualTo(Limits.DEFAULTS);
        assertThat(config.loginThrottle()).isEqualTo(LoginThrottleConfig.DEFAULTS);
        assertThat(config.sendingLimits()).isEqualTo(SendingLimitsConfig.DEFAULTS);
        assertThat(config.autoBan()).isEqualTo(AutoBanConfig.DEFAULTS);
        assertThat(config.delivery()).isEqualTo(DeliveryConfig.DEFAULTS);
    }
}
