"""The kernel's serial console as the host sees it, for scripts/qemu.py
(QEMU's stdout pipe) and scripts/bochs.py (a TCP socket to Bochs's COM1),
and for any other byte stream worth waiting on (Bochs's debugger output).

A thread reads the stream into .out as text, CR LF folded to LF; the
other methods wait on .out: wait_for(regex), wait_prompt(), and command(),
which types a shell command and returns what it printed.
"""
import re
import threading
import time

PROMPT = "carta> "


class Console:
    """read(n) returns up to n bytes, b"" at the end of the stream;
    write(bytes) sends (None: a stream that is only read). A subclass
    calls Console.__init__ once its stream is open."""

    def __init__(self, read, write=None):
        self.out = ""
        self.lock = threading.Condition()
        self._write = write
        self.reader = threading.Thread(target=self._read, args=(read,), daemon=True)
        self.reader.start()

    def _read(self, read):
        held = b""      # a CR at the end of a read may be half of a CR LF
        while True:
            try:
                data = read(4096)
            except OSError:     # the stream was closed under the reader
                data = b""
            if not data:
                break
            data = held + data
            held = b"\r" if data.endswith(b"\r") else b""
            if held:
                data = data[:-1]
            with self.lock:
                self.out += data.decode("latin-1").replace("\r\n", "\n")
                self.lock.notify_all()
        with self.lock:
            self.lock.notify_all()

    def wait_for(self, pattern, timeout=20, start=0):
        """Waits until regex `pattern` matches the output after `start`;
        returns the match. Raises TimeoutError with the tail of the output,
        at once when the stream has ended (nothing more can come)."""
        rx = re.compile(pattern, re.M)
        deadline = time.time() + timeout
        with self.lock:
            while True:
                m = rx.search(self.out, start)
                if m:
                    return m
                left = deadline - time.time()
                if left <= 0 or not self.reader.is_alive():
                    raise TimeoutError(f"no /{pattern}/ in output; last:\n{self.out[-1500:]}")
                self.lock.wait(min(left, 0.2))

    def wait_prompt(self, timeout=30):
        return self.wait_for(re.escape(PROMPT), timeout)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self._write(data)

    def command(self, line, timeout=20):
        """Types `line` at the prompt; returns what it printed before the next
        prompt. The prompt counts only at the start of a line after the echo,
        so a "carta> " inside the command or its output does not end it early."""
        start = len(self.out)
        self.send(line + "\r")
        echo_end = self.wait_for(r"\n", timeout, start).end()
        m = self.wait_for(r"^" + re.escape(PROMPT), timeout, echo_end)
        return self.out[echo_end:m.start()]
