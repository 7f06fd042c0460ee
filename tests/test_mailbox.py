"""The one command queue with an inproc wake (clientsvc/mailbox.py): a command put from any
thread wakes the polling thread at once, and the commands run on it in the order put."""

from __future__ import annotations

import threading

import zmq

from clientsvc.mailbox import Mailbox


def test_commands_put_from_other_threads_wake_the_poll_and_run_in_order() -> None:
    ctx = zmq.Context()
    box = Mailbox(ctx, "test")
    rx = box.open()
    ran: list[tuple[int, str]] = []
    try:
        putters = [
            threading.Thread(
                target=lambda n=n: [
                    box.put(lambda i=i, n=n: ran.append((n, str(i)))) for i in range(50)
                ]
            )
            for n in range(3)
        ]
        for t in putters:
            t.start()
        for t in putters:
            t.join()
        poller = zmq.Poller()
        poller.register(rx, zmq.POLLIN)
        assert dict(poller.poll(5000)).get(rx), "put did not wake the poll"
        for command in box.drain(rx):
            command()
        assert len(ran) == 150
        for n in range(3):  # each thread's commands in the order it put them
            assert [i for m, i in ran if m == n] == [str(i) for i in range(50)]
        assert not rx.poll(0), "the wake-ups were read"
        assert list(box.drain(rx)) == []
    finally:
        box.close()
        box.wake()  # after close: nothing to wake, and no error
        rx.close(linger=0)
        ctx.term()
