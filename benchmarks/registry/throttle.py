#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that limits bandwidth, to stand in for a network link to a registry.

Usage: throttle.py LISTEN_PORT TARGET_PORT MIB_PER_S
Bytes in both directions share one budget of MIB_PER_S (a link), paced in 64 KiB slices. Prints nothing.
"""
import asyncio
import sys
import time

LISTEN, TARGET, RATE = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) * 1024 * 1024
SLICE = 64 * 1024
next_free = time.monotonic()


async def pace(n):
    """Reserves n bytes of the link and sleeps until they have passed."""
    global next_free
    now = time.monotonic()
    start = max(now, next_free)
    next_free = start + n / RATE
    delay = next_free - now
    if delay > 0:
        await asyncio.sleep(delay)


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(SLICE)
            if not data:
                break
            await pace(len(data))
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(cr, cw):
    try:
        ur, uw = await asyncio.open_connection("127.0.0.1", TARGET)
    except OSError:
        cw.close()
        return
    await asyncio.gather(pipe(cr, uw), pipe(ur, cw))


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN)
    async with server:
        await server.serve_forever()


asyncio.run(main())
