package org.mailgate.message;

import java.io.ByteArrayOutputStream;

/** The spool's part in tests of the pipeline: the content in memory, rewritable where a signer kept room. */
public final class MemorySink extends ByteArrayOutputStream implements MessageAssembly.Sink {
    @Override
    public void rewrite(long position, byte[] bytes) {
        System.arraycopy(bytes, 0, buf, (int) position, bytes.length);
    }

    @Override
    public void prepend(byte[] bytes, java.util.Optional<String> folder) {
        byte[] content = toByteArray();
        reset();
        writeBytes(bytes);
        writeBytes(content);
    }
}
