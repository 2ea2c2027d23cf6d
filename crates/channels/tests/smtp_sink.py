"""A real SMTP server on loopback for the channel tests (aiosmtpd), that keeps what it receives.

Usage: smtp_sink.py DIR [--auth USER:PASSWORD] [--starttls CERT KEY | --implicit-tls CERT KEY]

Listens on 127.0.0.1 on a free port and prints that port as its first line. Every message it
accepts is written to DIR as NNNN.eml (the bytes as received) and NNNN.json: the envelope, whether
the session was encrypted and authenticated, and the message as Python's own e-mail parser reads
it (decoded headers, and each text part decoded), so that the tests check the message with a
decoder that is not ours.
"""

import argparse
import asyncio
import json
import os
import ssl
from email import message_from_bytes, policy

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.directory, f"{self.count:04}")
        raw = envelope.original_content
        parsed = message_from_bytes(raw, policy=policy.default)
        parts = []
        for part in parsed.walk():
            if part.is_multipart():
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "content": part.get_content(),
            })
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            # STARTTLS sets session.ssl; implicit TLS shows only on the transport.
            "encrypted": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "headers": {name.lower(): str(value) for name, value in parsed.items()},
            "content_type": parsed.get_content_type(),
            "parts": parts,
        }
        with open(stem + ".eml", "wb") as f:
            f.write(raw)
        # The JSON last, under a temporary name: its appearance means the message is complete.
        with open(stem + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.rename(stem + ".json.tmp", stem + ".json")
        return "250 2.0.0 OK queued"


def authenticator_for(credentials):
    user, password = credentials.split(":", 1)

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=ok, handled=False)

    return authenticate


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--auth")
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()

    context = None
    pair = args.starttls or args.implicit_tls
    if pair:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*pair)

    handler = Sink(args.directory)
    options = {}
    if args.auth:
        options["authenticator"] = authenticator_for(args.auth)
        # Loopback only: the plain-text AUTH test needs it, the TLS tests encrypt anyway.
        options["auth_require_tls"] = False
    if args.starttls:
        options["tls_context"] = context
        options["require_starttls"] = True

    def factory():
        return SMTP(handler, hostname="sink.test", **options)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        factory, host="127.0.0.1", port=0, ssl=context if args.implicit_tls else None
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
