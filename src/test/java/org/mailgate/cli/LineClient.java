package org.mailgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A minimal SMTP line client for tests: each call sends a line and returns the last reply line. */
record LineClient(Socket socket, BufferedReader in, OutputStream out) implements AutoCloseable {

    static LineClient connect(int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        LineClient c = new LineClient(socket, new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)),
                socket.getOutputStream());
        assertThat(c.readReply()).startsWith("220");
        return c;
    }

    /** Sends one message over the inbound listener and returns its queue ID. */
    static String send(int port, String from, List<String> to, String subject) throws Exception {
        try (LineClient c = connect(port)) {
            c.send("EHLO client.test");
            c.send("MAIL FROM:<" + from + ">");
            for (String r : to) {
                assertThat(c.send("RCPT TO:<" + r + ">")).startsWith("250");
            }
            c.send("DATA");
            String reply = c.send("Subject: " + subject + "\r\n\r\nbody\r\n.");
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }

    String send(String line) throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readReply();
    }

    String readReply() throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
