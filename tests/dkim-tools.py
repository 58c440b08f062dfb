#!/usr/bin/env python3
"""The DKIM end-to-end test's two helpers, run with Debian's python3 (it has dkimpy).

  dkim-tools.py submit PORT USER PASSWORD FROM TO FILE [--bdat] [--smtputf8]
      STARTTLS + AUTH PLAIN, then the message as DATA (smtplib) or as one BDAT LAST chunk
      (written by hand: smtplib has no CHUNKING); prints the server's final reply.
  dkim-tools.py verify FILE RECORDS.json COUNT
      dkimpy verifies every DKIM-Signature of FILE, answering DNS from RECORDS.json
      ({"selector._domainkey.domain": "v=DKIM1; ..."}); exit 0 when COUNT signatures all pass.
"""
import base64
import json
import smtplib
import socket
import ssl
import sys


def context():
    c = ssl.create_default_context()
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE  # the test server's certificate is self-signed
    return c


def submit(port, user, password, sender, recipient, path, bdat, smtputf8):
    message = open(path, "rb").read()
    if not bdat:
        s = smtplib.SMTP("127.0.0.1", int(port), timeout=60)
        s.starttls(context=context())
        s.login(user, password)
        options = ["SMTPUTF8", "BODY=8BITMIME"] if smtputf8 else ["BODY=8BITMIME"]
        s.sendmail(sender, [recipient], message, mail_options=options)
        s.quit()
        print("250 queued (DATA)")
        return
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=60)
    f = raw.makefile("rb")

    def reply():
        lines = []
        while True:
            line = f.readline().decode()
            lines.append(line.strip())
            if line[3:4] != "-":
                return lines

    def say(conn, text, code):
        conn.sendall(text.encode() + b"\r\n")
        got = reply()
        if not got[-1].startswith(code):
            sys.exit(f"{text.split()[0]}: expected {code}, got {got}")

    reply()
    say(raw, "EHLO dkim-e2e.test", "250")
    say(raw, "STARTTLS", "220")
    tls = context().wrap_socket(raw, server_hostname="localhost")
    f = tls.makefile("rb")
    say(tls, "EHLO dkim-e2e.test", "250")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
    say(tls, "AUTH PLAIN " + token, "235")
    say(tls, f"MAIL FROM:<{sender}> BODY=8BITMIME" + (" SMTPUTF8" if smtputf8 else ""), "250")
    say(tls, f"RCPT TO:<{recipient}>", "250")
    tls.sendall(f"BDAT {len(message)} LAST\r\n".encode() + message)
    final = reply()
    if not final[-1].startswith("250"):
        sys.exit(f"BDAT: {final}")
    tls.sendall(b"QUIT\r\n")
    print(final[-1])


def verify(path, records_file, count):
    import dkim

    records = json.load(open(records_file))
    message = open(path, "rb").read()

    def dns(name, timeout=5):
        return records.get(name.decode().rstrip("."), "").encode() or None

    headers, _ = dkim.rfc822_parse(message)
    found = sum(1 for name, _ in headers if name.lower() == b"dkim-signature")
    d = dkim.DKIM(message)
    results = ["pass" if d.verify(idx=i, dnsfunc=dns) else "fail" for i in range(found)]
    print("dkimpy:", found, "signatures:", " ".join(results))
    sys.exit(0 if found == count and all(r == "pass" for r in results) else 1)


if __name__ == "__main__":
    if sys.argv[1] == "submit":
        submit(*sys.argv[2:8], "--bdat" in sys.argv, "--smtputf8" in sys.argv)
    elif sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
