"""Submits numbered messages through one address (HAProxy in front of the nodes) with STARTTLS and
AUTH, from several clients at once, each sending many messages per connection, until TOTAL were
tried or LIMIT seconds passed. A broken connection (a node killed) loses only the message in
flight, whose fate the client never heard; the client connects again and goes on.

Writes one line per message the servers answered 250 ("token queue-id") to ACKED, and prints
counts as JSON: acknowledged, refused with 4xx (and their first reply), unanswered (in flight
when a connection broke). PROGRESS holds the acknowledged count, for the script to time a kill.

    cluster-load.py HOST:PORT USERS-FILE TOTAL CLIENTS LIMIT ACKED PROGRESS [PREFIX]
"""
import json, smtplib, ssl, sys, threading, time

host, port = sys.argv[1].rsplit(":", 1)
users = [line.split() for line in open(sys.argv[2]) if line.strip()]
total, clients, limit = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
acked_file, progress_file = sys.argv[6], sys.argv[7]
prefix = sys.argv[8] if len(sys.argv) > 8 else "m"
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # the nodes' self-signed certificates; TLS is what is tested, not trust

lock = threading.Lock()
state = {"next": 0, "acked": 0, "refused": 0, "unanswered": 0, "reconnects": 0, "first_refusal": ""}
deadline = time.monotonic() + limit
out = open(acked_file, "w")


def take():
    with lock:
        if state["next"] >= total or time.monotonic() > deadline:
            return None
        state["next"] += 1
        return state["next"]


def client(number):
    user, password = users[number % len(users)]
    token = take()
    while token is not None:
        sending = False
        try:
            smtp = smtplib.SMTP(host, int(port), timeout=30)
            smtp.ehlo("client%d.cluster.test" % number)
            smtp.starttls(context=context)
            smtp.ehlo("client%d.cluster.test" % number)
            smtp.login(user, password)
            for _ in range(50):
                body = "From: %s\r\nTo: %s\r\nSubject: %s-%d\r\n\r\ncluster test message %d\r\n" % (user, user, prefix, token, token)
                sending = True
                try:
                    smtp.mail(user)
                    smtp.rcpt(user)
                    code, reply = smtp.data(body)
                except smtplib.SMTPResponseException as e:
                    code, reply = e.smtp_code, e.smtp_error
                    smtp.rset()
                sending = False
                with lock:
                    if code == 250:
                        state["acked"] += 1
                        out.write("%s-%d %s\n" % (prefix, token, reply.decode().rsplit(" ", 1)[-1]))
                        out.flush()
                        open(progress_file, "w").write(str(state["acked"]))
                    else:
                        state["refused"] += 1
                        state["first_refusal"] = state["first_refusal"] or "%d %s" % (code, reply.decode())
                token = take()
                if token is None:
                    break
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            with lock:
                state["reconnects"] += 1
                if sending:  # its 250 never came: it may be queued or not, and is not sent again
                    state["unanswered"] += 1
            if sending:
                token = take()
            time.sleep(0.2)


threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
start = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
out.close()
state["seconds"] = round(time.monotonic() - start, 1)
del state["next"]
print(json.dumps(state))
