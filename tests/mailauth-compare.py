#!/usr/bin/env python3
"""Our SPF, DKIM, DMARC and ARC verdicts next to npm mailauth's (4.13.3), message by message.

  mailauth-compare.py MAILAUTH-BIN WORK-DIR

Builds the messages (the DKIM fixtures of src/test/resources, the RFC examples, Stalwart's test
messages, ARC chains sealed by dkimpy, mailauth and Stalwart's set, tampered copies and
unsigned mail for SPF and DMARC cases), writes their DNS records
twice, as a zone file for `mailgate mailauth verify --zone` and as mailauth's --dns-cache JSON,
asks both, and prints one line a message. A difference is a failure unless EXPLAINED lists it
with the reason. Every ARC chain is also given to dkimpy's arc_verify, a third opinion. Run
with Debian's python3 (it has authres, which parses our field, and dkimpy).
"""
import base64
import json
import os
import re
import subprocess
import sys

from concurrent.futures import ThreadPoolExecutor

import authres
import dkim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESOURCES = os.path.join(ROOT, "src", "test", "resources")

ED25519_SEAL = ("the first seal is ed25519-sha256: we take ARC's a= as DKIM's, with RFC 8463's Ed25519, as Stalwart (which "
                "made this chain) does; %s accepts only rsa-sha256 seals, the one algorithm ARC's experiment deployed, and fails it")

BODY_HASH = ("a body hash that does not verify is a failed signature (RFC 6376 6.1.3 PERMFAIL, RFC 8601 2.7.1 fail); "
             "mailauth reports it as neutral")

# Differences we expect, by case name, and why.
EXPLAINED = {
    "dkim-tampered-body": BODY_HASH,
    "arc-tampered-body": BODY_HASH + "; both fail the ARC chain",
    "stalwart-arc-001": BODY_HASH + " (the IETF list changed the body stalw.art signed); both pass Gmail's ARC seal",
    "stalwart-arc-002": ED25519_SEAL % "mailauth",
    "dmarc-subdomain-tree-walk": "RFC 9989 finds the policy by the DNS tree walk (_dmarc.pass.spf.test, p=reject, "
    "fails); mailauth follows RFC 7489 and the Public Suffix List, whose organizational domain spf.test has no "
    "record (none)",
    "dmarc-strict-alignment-fails": "aspf=s: the MAIL FROM domain mail.strict.spf.test is not the From domain "
    "strict.spf.test, and strict alignment wants them identical (RFC 7489 3.1.2, RFC 9989 4.4); mailauth 4.13.3 "
    "passes it (its report shows strict: true and the subdomain as the aligned result)",
    "stalwart-002": "the key is a bare RSAPublicKey (PKCS#1), the form RFC 6376 3.6.1 names: we read it and the "
    "signature passes; mailauth reads only SubjectPublicKeyInfo (neutral, 'unknown key type')",
    "stalwart-005": "x= has passed: RFC 6376 3.5 lets a verifier treat it as invalid; we report permerror "
    "(RFC 8601 2.7.1: an unrecoverable error), mailauth neutral",
}

# Where dkimpy's arc_verify says otherwise about a chain, and why.
DKIMPY_EXPLAINED = {"stalwart-arc-002": ED25519_SEAL % "dkimpy"}


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def zone_records(path):
    """name -> TXT value (strings joined), from one of our test zone files."""
    records, origin = {}, ""
    for line in open(path):
        line = line.strip()
        if line.startswith("$ORIGIN"):
            origin = line.split()[1]
        elif " TXT " in line and not line.startswith(";"):
            name = line.split()[0]
            name = name.rstrip(".") if name.endswith(".") else name + "." + origin.rstrip(".")
            records[name] = "".join(re.findall(r'"([^"]*)"', line.split(" TXT ", 1)[1]))
    return records


def stalwart_cases(folder, prefix, records):
    """Stalwart's test messages in resources/stalwart/FOLDER: each file's records added to ours, its message a case."""
    out = []
    directory = os.path.join(RESOURCES, "stalwart", folder)
    for name in sorted(n for n in os.listdir(directory) if n.endswith(".txt")):
        dns, message = open(os.path.join(directory, name), encoding="utf-8").read().split("\n\n", 1)
        for line in dns.splitlines():
            key, value = line.split(" ", 1)
            records[key] = value
        sender = re.search(r"^From:.*?([\w.+-]+@[\w.-]+)", message, re.M | re.I).group(1)
        out.append((prefix + name[:-4], crlf(message), "192.0.2.1", "client.example", sender))
    return out


def arc_cases(records, signed, work):
    """ARC chains sealed by dkimpy (one set, then a second forwarder's), by mailauth, Stalwart's two, and broken ones."""
    out = stalwart_cases("arc", "stalwart-arc-", records)

    # a fresh RSA key for both forwarders: its record in the zone, its PEM for the sealers
    pem = run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]).encode()
    open(os.path.join(work, "arc.pem"), "wb").write(pem)
    der = subprocess.run(["openssl", "pkey", "-pubout", "-outform", "DER"], input=pem, capture_output=True, check=True).stdout
    for forwarder in ("lists.arc.test", "fwd.arc.test"):
        records["arc._domainkey." + forwarder] = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()

    def seal(message, forwarder):
        results = f"Authentication-Results: {forwarder}; dkim=pass header.d=example.org\r\n".encode()
        message = results + message
        return b"".join(dkim.arc_sign(message, b"arc", forwarder.encode(), pem, forwarder.encode())) + message

    one = seal(signed, "lists.arc.test")
    two = seal(one, "fwd.arc.test")
    out.append(("arc-dkimpy-one-set", one, "192.0.2.1", "client.example", "alice@example.org"))
    out.append(("arc-dkimpy-two-sets", two, "192.0.2.1", "client.example", "alice@example.org"))
    out.append(("arc-tampered-body", two.replace(b"the  body", b"the  bodY", 1), "192.0.2.1", "client.example", "alice@example.org"))
    out.append(("arc-tampered-first-results", two.replace(b"i=1; lists.arc.test;", b"i=1; lists.arc.test; spf=pass;", 1),
                "192.0.2.1", "client.example", "alice@example.org"))
    return out


def mailauth_sealed(binary, work, one_set):
    """A second ARC set added by mailauth's own sealer over dkimpy's one-set chain (it checks with its DNS cache first)."""
    key = os.path.join(work, "arc.pem")
    source = os.path.join(work, "arc-source.eml")
    open(source, "wb").write(one_set)
    sealed = run([binary, "seal", source, "-k", key, "-d", "fwd.arc.test", "-s", "arc", "-i", "192.0.2.1", "-e", "client.example",
                  "-f", "alice@example.org", "-m", "fwd.arc.test", "-n", os.path.join(work, "dns-cache.json"), "-o"])
    return crlf(sealed.strip() + "\n") + one_set


def cases(work):
    """(name, message bytes, client ip, helo, mail from) and the records they all need."""
    records, out = {}, []
    dkim = os.path.join(RESOURCES, "dkim")
    for zone in ("dkimpy.zone", "mailauth.zone", "rfc-examples.zone"):
        records.update(zone_records(os.path.join(dkim, zone)))
    records["_dmarc.example.org"] = "v=DMARC1; p=reject"  # dkimpy's domain: DMARC passes by DKIM
    for name in sorted(os.listdir(dkim)):
        if name.endswith(".eml"):
            message = open(os.path.join(dkim, name), "rb").read()
            sender = re.search(rb"^From:.*?([\w.+-]+@[\w.-]+)", message, re.M | re.I).group(1).decode()
            out.append((name[:-4], message, "192.0.2.1", "client.example", sender))
    signed = open(os.path.join(dkim, "dkimpy-rsa-relaxed-relaxed.eml"), "rb").read()
    out.append(("dkim-tampered-body", signed.replace(b"the  body", b"the  bodY", 1), "192.0.2.1", "client.example", "alice@example.org"))
    out.append(("dkim-tampered-subject", re.sub(rb"^Subject: .*$", b"Subject: changed", signed, count=1, flags=re.M),
                "192.0.2.1", "client.example", "alice@example.org"))
    out += stalwart_cases("dkim", "stalwart-", records)

    out += arc_cases(records, signed, work)

    # SPF and DMARC, on unsigned mail: pass.spf.test allows 192.0.2.0/24
    records.update({
        "pass.spf.test": "v=spf1 ip4:192.0.2.0/24 -all",
        "_dmarc.pass.spf.test": "v=DMARC1; p=reject",
        "soft.spf.test": "v=spf1 ip4:192.0.2.0/24 ~all",
        "_dmarc.soft.spf.test": "v=DMARC1; p=quarantine",
        "neutral.spf.test": "v=spf1 ?all",
        "_dmarc.neutral.spf.test": "v=DMARC1; p=none",
        "include.spf.test": "v=spf1 include:pass.spf.test -all",
        "redirect.spf.test": "v=spf1 redirect=pass.spf.test",
        "broken.spf.test": "v=spf1 ip4:192.0.2.0/24 frobnicate -all",
        "ip6.spf.test": "v=spf1 ip6:2001:db8::/32 -all",
        "strict.spf.test": "v=spf1 ip4:192.0.2.0/24 -all",
        "mail.strict.spf.test": "v=spf1 ip4:192.0.2.0/24 -all",
        "_dmarc.strict.spf.test": "v=DMARC1; p=reject; aspf=s",
        "bounce.pass.spf.test": "v=spf1 ip4:192.0.2.0/24 -all",
        "helo.spf.test": "v=spf1 ip4:192.0.2.0/24 -all",
    })

    def plain(name, sender, ip, from_header=None, helo="client.example", extra=""):
        domain = from_header or sender.split("@")[-1]
        message = f"From: <news@{domain}>\n{extra}To: bob@example.net\nSubject: {name}\n\nHello.\n"
        out.append((name, crlf(message), ip, helo, sender))

    plain("spf-pass", "news@pass.spf.test", "192.0.2.10")
    plain("spf-fail-dmarc-reject", "news@pass.spf.test", "198.51.100.1")
    plain("spf-softfail-dmarc-quarantine", "news@soft.spf.test", "198.51.100.1")
    plain("spf-neutral-dmarc-none", "news@neutral.spf.test", "198.51.100.1")
    plain("spf-none", "news@nothing.spf.test", "192.0.2.10")
    plain("spf-include", "news@include.spf.test", "192.0.2.10")
    plain("spf-include-fail", "news@include.spf.test", "198.51.100.1")
    plain("spf-redirect", "news@redirect.spf.test", "192.0.2.10")
    plain("spf-permerror", "news@broken.spf.test", "192.0.2.10")
    plain("spf-ipv6-pass", "news@ip6.spf.test", "2001:db8::25")
    plain("spf-ipv6-fail", "news@ip6.spf.test", "2001:db9::25")
    plain("dmarc-relaxed-alignment", "news@bounce.pass.spf.test", "192.0.2.10", from_header="pass.spf.test")
    plain("dmarc-strict-alignment-fails", "news@mail.strict.spf.test", "192.0.2.10", from_header="strict.spf.test")
    plain("dmarc-subdomain-tree-walk", "news@other.example", "192.0.2.10", from_header="news.pass.spf.test")
    plain("spf-null-sender-uses-helo", "", "192.0.2.10", from_header="helo.spf.test", helo="helo.spf.test")
    return out, records


def run(args, stdin=None):
    """The command's standard output; when it fails, one line with the command and what it said."""
    done = subprocess.run(args, stdin=stdin, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"mailauth-compare: {' '.join(args)} exited {done.returncode}: "
                         + done.stderr.decode(errors="replace").strip())
    return done.stdout.decode()


def mailauth(binary, path, ip, helo, sender, cache):
    args = [binary, "report", path, "-i", ip, "-e", helo, "-n", cache, "-m", "mx.compare.test"]
    if sender:
        args += ["-f", sender]
    report = json.loads(run(args))
    return {
        "spf": report["spf"]["status"]["result"],
        "dkim": sorted(r["status"]["result"] for r in report["dkim"]["results"]),
        "dmarc": report["dmarc"]["status"]["result"] if report.get("dmarc") else "none",
        "arc": report["arc"]["status"]["result"] if report.get("arc") else "none",
    }


def mailgate(path, ip, helo, sender, zone):
    args = [os.path.join(ROOT, "mailgate"), "mailauth", "verify", "--arc", "--ip", ip, "--helo", helo, "--zone", zone]
    if sender:
        args += ["--sender", sender]
    with open(path, "rb") as message:
        out = run(args, message)
    field = out.split("\n\n", 1)[0]
    parsed = authres.AuthenticationResultsHeader.parse(" ".join(field.split()))
    results = {"spf": "none", "dkim": [], "dmarc": "none", "arc": "none"}
    for r in parsed.results:
        if r.method == "spf" and any(p.name == "mailfrom" for p in r.properties):
            results["spf"] = r.result
        elif r.method == "dkim":
            results["dkim"].append(r.result)
        elif r.method == "dmarc":
            results["dmarc"] = r.result
        elif r.method == "arc":
            results["arc"] = r.result
    results["dkim"] = sorted(results["dkim"])
    return results


def main():
    binary, work = sys.argv[1], sys.argv[2]
    all_cases, records = cases(work)
    zone, cache = os.path.join(work, "compare.zone"), os.path.join(work, "dns-cache.json")
    with open(zone, "w") as z:
        for name, value in records.items():
            strings = " ".join('"' + value[i:i + 250] + '"' for i in range(0, len(value), 250))
            z.write(f"{name}. 300 IN TXT {strings}\n")
    json.dump({name: {"TXT": [[value]]} for name, value in records.items()}, open(cache, "w"))
    one_set = next(message for name, message, *_ in all_cases if name == "arc-dkimpy-one-set")
    all_cases.append(("arc-mailauth-second-set", mailauth_sealed(binary, work, one_set), "192.0.2.1", "client.example", "alice@example.org"))

    def both(case):
        name, message, ip, helo, sender = case
        path = os.path.join(work, name + ".eml")
        open(path, "wb").write(message)
        return mailgate(path, ip, helo, sender, zone), mailauth(binary, path, ip, helo, sender, cache)

    with ThreadPoolExecutor(max_workers=3) as pool:  # each call is mostly a runtime starting
        verdicts = list(pool.map(both, all_cases))
    same = explained = unexplained = 0
    for (name, *_), (ours, theirs) in zip(all_cases, verdicts):
        if ours == theirs:
            same += 1
            print(f"same      {name}: spf={ours['spf']} dkim={','.join(ours['dkim'])} dmarc={ours['dmarc']} arc={ours['arc']}")
        else:
            why = EXPLAINED.get(name)
            if why:
                explained += 1
            else:
                unexplained += 1
            print(f"{'explained' if why else 'DIFFERENT'} {name}: ours {ours}, mailauth {theirs}" + (f"\n          ({why})" if why else ""))
    disagreements = dkimpy_arc(all_cases, verdicts, records)
    print(f"mailauth-compare: {len(all_cases)} messages, {same} the same, {explained} explained differences, {unexplained} unexplained;"
          f" dkimpy on the ARC chains: {disagreements} unexplained differences")
    sys.exit(1 if unexplained or disagreements or len(all_cases) < 30 else 0)


def dkimpy_arc(all_cases, verdicts, records):
    """A third opinion on every chain: dkimpy's arc_verify, answering DNS from the same records. Returns the unexplained differences."""
    def lookup(name, timeout=5):
        value = records.get(name.decode().rstrip("."))
        return value.encode() if value else None

    disagreements = 0
    for (name, message, *_), (ours, _) in zip(all_cases, verdicts):
        if b"ARC-Seal:" not in message:
            continue
        theirs = dkim.arc_verify(message, dnsfunc=lookup)
        cv, comment = theirs[0].decode(), theirs[2]
        if cv == ours["arc"]:
            print(f"dkimpy    {name}: arc={cv} (the same)")
        elif name in DKIMPY_EXPLAINED:
            print(f"dkimpy    {name}: arc={cv} ({comment}), ours {ours['arc']}\n          ({DKIMPY_EXPLAINED[name]})")
        else:
            disagreements += 1
            print(f"DKIMPY    {name}: arc={cv} ({comment}), ours {ours['arc']}")
    return disagreements


if __name__ == "__main__":
    main()
