package org.mailgate.mailauth;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which fields a signature covers (its h= list) and their hashed form, RFC 6376 5.4. Names on
 * the oversigned list are named once more than the message has them, so a field of that name
 * added later (a second From above ours) breaks the signature (5.4.2, 8.15); names on the
 * once list (and every Resent-* field) are named as often as the message has them.
 */
final class HeaderSelection {
    private HeaderSelection() {}

    /** The h= names for these fields, lowercase, in the lists' order. */
    static List<String> names(List<HeaderField> fields, List<String> oversigned, List<String> once) {
        List<String> names = new ArrayList<>();
        for (String name : oversigned) {
            String lower = name.toLowerCase(Locale.ROOT);
            for (long i = count(fields, lower) + 1; i > 0; i--) {
                names.add(lower);
            }
        }
        List<String> signedOnce = new ArrayList<>(once.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
        fields.stream().map(HeaderField::name).filter(n -> n.startsWith("resent-") && !signedOnce.contains(n)).distinct()
                .forEach(signedOnce::add);
        for (String name : signedOnce) {
            if (!names.contains(name)) {
                for (long i = count(fields, name); i > 0; i--) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /**
     * The hashed fields, each canonicalized with its CRLF: for each name, the last instance not
     * yet used (5.4.2: from the bottom up); a name with none left adds nothing.
     */
    static byte[] data(List<HeaderField> fields, List<String> names, Canonicalization canonicalization) {
        boolean[] used = new boolean[fields.size()];
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (String name : names) {
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (!used[i] && fields.get(i).name().equalsIgnoreCase(name)) {
                    used[i] = true;
                    byte[] field = canonicalization.header(fields.get(i));
                    data.writeBytes(field);
                    if (field.length < 2 || field[field.length - 1] != '\n') {
                        data.write('\r'); // a last field without its CRLF (a header-only message) is hashed with one
                        data.write('\n');
                    }
                    break;
                }
            }
        }
        return data.toByteArray();
    }

    private static long count(List<HeaderField> fields, String name) {
        return fields.stream().filter(f -> f.name().equals(name)).count();
    }
}
