"""An SMTP sink for the outbox benchmark (aiosmtpd): accepts every message and keeps nothing
but a count, so that the relay costs as little as a relay can.

Usage: smtp_discard.py COUNT_FILE [PORT]
Listens on 127.0.0.1 on PORT (a free one by default) and prints the port as its first line;
writes the number of messages accepted so far to COUNT_FILE about every half second. The port
is opened with SO_REUSEPORT, so that several sinks (one Python process is one core) can share
it: start the first without PORT and the others with the port it printed.
"""

import asyncio
import sys

from aiosmtpd.smtp import SMTP


class Discard:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 2.0.0 OK"


async def main():
    handler = Discard()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.bench"),
        host="127.0.0.1",
        port=int(sys.argv[2]) if len(sys.argv) > 2 else 0,
        reuse_port=True,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        while True:
            with open(sys.argv[1], "w") as f:
                f.write(str(handler.count))
            await asyncio.sleep(0.5)


if __name__ == "__main__":
    asyncio.run(main())
