package org.mailgate.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What tells that a file changed, for the files the running server reloads (users, bans,
 * certificates): its modification time, size and inode (a rename over it gives a new inode).
 */
public record FileStamp(FileTime modified, long size, Object fileKey) {

    /** The file's stamp now, or null when it does not exist. */
    public static FileStamp of(Path file) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (NoSuchFileException absent) {
            return null;
        }
    }
}
