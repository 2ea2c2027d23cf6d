"""A light SMTP sink for the outbox benchmark: real SMTP on a socket (EHLO with PIPELINING and
8BITMIME, MAIL, RCPT, DATA with dot-transparency, RSET, NOOP, QUIT), written on asyncio's
protocol layer with no dependency, and keeping nothing but a count.

aiosmtpd (smtp_discard.py) spends about 1.3 ms of a core on each message — a coroutine, a
stream reader and a handler call per command — and was the ceiling of the benchmark. This sink
reads whatever has arrived, answers every complete command in it with one write (so a client
that pipelines gets its three replies at once), and looks for the end of a message with one
search per read rather than line by line.

Usage: smtp_sink.py [--no-pipelining] COUNT_FILE [PORT]
Listens on 127.0.0.1 on PORT (a free one by default) and prints the port as its first line;
writes the number of messages accepted so far to COUNT_FILE about every half second. The port
is opened with SO_REUSEPORT, so several sinks can share it: start the first without PORT and
the others with the port it printed. With --no-pipelining, EHLO does not offer PIPELINING, so
the client sends MAIL, RCPT and DATA one reply at a time (to measure what pipelining gains).
"""

import asyncio
import sys

COUNT = 0
PIPELINING = "--no-pipelining" not in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--no-pipelining"]
EHLO = (
    b"250-sink.bench\r\n"
    + (b"250-PIPELINING\r\n" if PIPELINING else b"")
    + b"250-8BITMIME\r\n250-SIZE 10485760\r\n250 ENHANCEDSTATUSCODES\r\n"
)
END_OF_DATA = b"\r\n.\r\n"


class Session(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""
        self.in_data = False
        self.mail = False
        self.rcpt = 0
        transport.write(b"220 sink.bench ESMTP ready\r\n")

    def data_received(self, data):
        global COUNT
        buffer = self.buffer + data
        replies = []
        while buffer:
            if self.in_data:
                # The message is "\r\n.\r\n"-terminated; "DATA\r\n" ended the line before it,
                # so an empty message is ".\r\n" alone.
                if buffer.startswith(b".\r\n"):
                    end = 3
                else:
                    found = buffer.find(END_OF_DATA)
                    if found < 0:
                        break
                    end = found + len(END_OF_DATA)
                buffer = buffer[end:]
                self.in_data = False
                self.mail, self.rcpt = False, 0
                COUNT += 1
                replies.append(b"250 2.0.0 OK queued\r\n")
                continue
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                if len(buffer) > 4096:
                    replies.append(b"500 5.5.6 line too long\r\n")
                    buffer = b""
                break
            line, buffer = buffer[:line_end], buffer[line_end + 2 :]
            verb = line[:4].upper()
            if verb == b"MAIL":
                self.mail, self.rcpt = True, 0
                replies.append(b"250 2.1.0 OK\r\n")
            elif verb == b"RCPT":
                if self.mail:
                    self.rcpt += 1
                    replies.append(b"250 2.1.5 OK\r\n")
                else:
                    replies.append(b"503 5.5.1 MAIL first\r\n")
            elif verb == b"DATA":
                if self.rcpt:
                    self.in_data = True
                    replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                else:
                    replies.append(b"503 5.5.1 RCPT first\r\n")
            elif verb == b"EHLO":
                self.mail, self.rcpt = False, 0
                replies.append(EHLO)
            elif verb == b"HELO":
                replies.append(b"250 sink.bench\r\n")
            elif verb == b"RSET":
                self.mail, self.rcpt = False, 0
                replies.append(b"250 2.0.0 OK\r\n")
            elif verb == b"NOOP":
                replies.append(b"250 2.0.0 OK\r\n")
            elif verb == b"QUIT":
                replies.append(b"221 2.0.0 Bye\r\n")
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
            else:
                replies.append(b"502 5.5.2 not implemented\r\n")
        self.buffer = buffer
        if replies:
            self.transport.write(b"".join(replies))


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        Session,
        host="127.0.0.1",
        port=int(ARGS[1]) if len(ARGS) > 1 else 0,
        reuse_port=True,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        while True:
            with open(ARGS[0], "w") as f:
                f.write(str(COUNT))
            await asyncio.sleep(0.5)


if __name__ == "__main__":
    asyncio.run(main())
