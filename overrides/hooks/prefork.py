"""Run Python scripts in forks of one interpreter that has already imported their libraries.

Why: most of a snippet run is start-up, not the snippet: importing ccxt takes about 1.5 s
and python-kraken-sdk 0.35 s, and the tests run the snippets hundreds of times. A
`WarmPython` starts one helper process (the zygote) that imports the given modules once;
each run is then a fork of it that executes the unmodified file as `__main__` with its own
arguments, environment, working directory and stdin, its stdout and stderr going into one
pipe, and ends the way `python FILE ARGS` ends (exit code, traceback, atexit handlers).
`execute` in snippet_runs.py keeps the plain `subprocess` way, which the site build uses;
a test runs every snippet both ways and compares.

The zygote runs this file as a script; the test process talks to it over a socket pair,
one request at a time: the request as JSON with the stdin and output pipe ends passed as
file descriptors (`socket.send_fds`), then the child's pid back, then its exit code.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_MAX_MESSAGE = 1 << 20


@dataclass(frozen=True)
class Finished:
    output: str
    returncode: int  # negative: killed by that signal, as subprocess reports it


class WarmPython:
    """`python FILE ARGS` in a fork of a zygote that has imported `modules` (see the module
    docstring). Not thread-safe: one run at a time, as each pytest worker runs its tests."""

    def __init__(self, modules: Iterable[str], env: Mapping[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        # The zygote's own environment decides how its forks' stdio behaves (buffering,
        # encoding), so it starts with the runs' base environment. Coverage, if asked for,
        # starts after the imports (tracing them would only cost time) and measures in each
        # fork (the config's `patch = ["fork"]`).
        zygote_env = dict(env)
        coverage_config = zygote_env.pop("COVERAGE_PROCESS_START", "")
        self._process = subprocess.Popen(
            [sys.executable, __file__, str(theirs.fileno()), coverage_config, *modules],
            env=zygote_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=[theirs.fileno()],
        )
        theirs.close()
        self._socket = ours
        self._reader = ours.makefile("r", encoding="utf-8")
        ready = self._reader.readline()
        if ready.strip() != "ready":
            self.close()
            raise RuntimeError(f"the warm Python did not start: {ready.strip() or 'no answer'}")

    def run(
        self,
        argv: Sequence[str],
        cwd: str,
        env: Mapping[str, str],
        stdin: str = "",
        timeout: float = 60,
    ) -> Finished:
        """Run `argv` (a script's path, then its arguments) as `python` would; raise
        subprocess.TimeoutExpired (after killing the run) if it takes more than `timeout`."""
        in_read, in_write = os.pipe()
        out_read, out_write = os.pipe()
        request = json.dumps({"argv": list(argv), "cwd": cwd, "env": dict(env)}).encode()
        try:
            socket.send_fds(self._socket, [request + b"\n"], [in_read, out_write])
        finally:
            os.close(in_read)
            os.close(out_write)
        pid = int(self._reader.readline())
        writer = threading.Thread(target=_write_and_close, args=(in_write, stdin.encode()))
        writer.start()
        try:
            output = _read_until_closed(out_read, time.monotonic() + timeout)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            self._reader.readline()  # its exit status, so the next run reads its own
            raise subprocess.TimeoutExpired(argv, timeout) from None
        finally:
            os.close(out_read)
            writer.join()
        returncode = int(self._reader.readline())
        # As subprocess.run(text=True) reads it: UTF-8, with universal newlines.
        text = output.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        return Finished(text, returncode)

    def close(self) -> None:
        self._reader.close()
        self._socket.close()  # the zygote ends when its socket closes
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _write_and_close(fd: int, data: bytes) -> None:
    try:
        with open(fd, "wb") as pipe:
            pipe.write(data)
    except BrokenPipeError:
        pass  # the script ended without reading all its input, as with subprocess


def _read_until_closed(fd: int, deadline: float) -> bytes:
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise subprocess.TimeoutExpired([], 0)
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


# -- the zygote's side: this file run as a script ----------------------------------------------


def _serve(channel: socket.socket) -> dict:
    """Fork once per request. The child returns the request, to run it at the top level
    of this script (so it ends as `python FILE` ends); the zygote never returns."""
    while True:
        message, fds, _flags, _addr = socket.recv_fds(channel, _MAX_MESSAGE, 2)
        if not message:
            sys.exit(0)  # the test process closed its end
        assert threading.active_count() == 1, "a fork must not copy running threads"
        pid = os.fork()
        if pid == 0:
            channel.close()
            os.dup2(fds[0], 0)
            os.dup2(fds[1], 1)
            os.dup2(fds[1], 2)
            for fd in fds:
                os.close(fd)
            return json.loads(message)
        for fd in fds:
            os.close(fd)
        channel.sendall(f"{pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        channel.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())


def _become(request: dict) -> str:
    """Set up this fork as `python FILE ARGS` would start: arguments, environment, working
    directory, the script's folder first on sys.path."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    script = os.path.abspath(request["argv"][0])
    sys.argv = list(request["argv"])
    sys.path[0] = os.path.dirname(script)
    return script


if __name__ == "__main__":
    _channel = socket.socket(fileno=int(sys.argv[1]))
    for _module in sys.argv[3:]:
        importlib.import_module(_module)
    if sys.argv[2]:
        import coverage

        os.environ["COVERAGE_PROCESS_START"] = sys.argv[2]
        coverage.process_startup()
    gc.freeze()  # the imports' objects are never collected in a fork, so never copied
    _channel.sendall(b"ready\n")
    _script = _become(_serve(_channel))
    import runpy

    runpy.run_path(_script, run_name="__main__")
