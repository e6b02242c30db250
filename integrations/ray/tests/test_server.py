"""The control socket: its place and modes, the peer's uid from the kernel, answers and the snapshot stream."""

import http.client
import json
import os
import socket
import stat
import time
import unittest

from routertop_ray.api import ControlApi
from routertop_ray.controller import SettingsController
from routertop_ray.event_log import EventLog
from routertop_ray.observer import Observer
from routertop_ray.server import ControlServer
from routertop_ray.settings import default_settings
from routertop_ray.socket_path import SocketPlaceError, free_name, prepare, router_name, socket_directory
from tests.support import FakeView, ManualTime, TemporaryDirectoryTest


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("routertop", timeout=5)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(self._path)


class SocketPlaceTests(TemporaryDirectoryTest):
    def test_names_follow_routertops_rules(self) -> None:
        self.assertEqual(router_name("demo", "Slow", 42), "ray-demo-Slow-42")
        self.assertEqual(router_name("my app/x", "D", 7), "ray-my_app_x-D-7")
        self.assertEqual(len(router_name("a" * 80, "b" * 80, 123456)), 64)
        self.assertTrue(router_name("a" * 80, "b", 123456).endswith("-123456"))

    def test_the_directory_comes_from_xdg_runtime_dir_or_tmp(self) -> None:
        self.assertEqual(socket_directory({"XDG_RUNTIME_DIR": "/run/user/1000/"}), "/run/user/1000/routertop")
        self.assertEqual(socket_directory({}, uid=1000), "/tmp/routertop-1000")

    def test_a_second_router_of_the_same_name_gets_the_next_free_one(self) -> None:
        directory = os.path.join(self.directory, "routertop")
        prepare(os.path.join(directory, "ray-a-d-1.sock"))
        self.assertEqual(free_name(directory, "ray-a-d-1"), "ray-a-d-1")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(os.path.join(directory, "ray-a-d-1.sock"))
        listener.listen(1)
        self.assertEqual(free_name(directory, "ray-a-d-1"), "ray-a-d-1-2")
        listener.close()

    def test_a_directory_open_to_others_is_refused(self) -> None:
        open_directory = os.path.join(self.directory, "open")
        os.mkdir(open_directory)
        os.chmod(open_directory, 0o755)
        with self.assertRaises(SocketPlaceError) as caught:
            prepare(os.path.join(open_directory, "r.sock"))
        self.assertIn("is open to others (mode 755); it must be 0700", str(caught.exception))

    def test_a_stale_socket_is_replaced_and_a_live_one_refused(self) -> None:
        path = os.path.join(self.directory, "routertop", "r.sock")
        prepare(path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(1)
        with self.assertRaises(SocketPlaceError):
            prepare(path)
        listener.close()
        prepare(path)
        self.assertFalse(os.path.exists(path))


class ServerTests(TemporaryDirectoryTest):
    def setUp(self) -> None:
        super().setUp()
        clock = ManualTime().clock()
        events = EventLog(clock)
        observer = Observer(events)
        controller = SettingsController(default_settings(), clock, events, None, lambda _: None)
        self.view = FakeView(observer, clock, controller, events)
        api = ControlApi(self.view, controller, events, None, clock)
        self.path = os.path.join(self.directory, "routertop", "ray-a-d-1.sock")
        prepare(self.path)
        self.sessions = []
        self.server = ControlServer(self.path, api, self.view.snapshot, self.sessions.append)
        self.server.start()

    def tearDown(self) -> None:
        self.server.stop()
        super().tearDown()

    def request(self, method: str, target: str, body: bytes = b"") -> tuple:
        connection = UnixConnection(self.path)
        try:
            connection.request(method, target, body=body)
            answer = connection.getresponse()
            return answer.status, json.loads(answer.read())
        finally:
            connection.close()

    def test_the_socket_is_private_and_goes_when_the_server_stops(self) -> None:
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(self.path)).st_mode), 0o700)
        self.server.stop()
        self.assertFalse(os.path.exists(self.path))

    def test_a_write_from_the_same_uid_is_taken(self) -> None:
        status, answer = self.request("PUT", "/v1/settings", b'{"initial_backoff_s": 0.05}')
        self.assertEqual((status, answer["result"]), (200, "done"))

    def test_an_oversized_body_is_refused_before_it_is_read(self) -> None:
        connection = UnixConnection(self.path)
        connection.putrequest("PUT", "/v1/settings")
        connection.putheader("content-length", str(10 ** 6))
        connection.endheaders()
        answer = connection.getresponse()
        self.assertEqual(answer.status, 400)
        self.assertIn("over 65536 bytes", json.loads(answer.read())["error"])
        connection.close()

    def test_the_stream_sends_snapshot_lines_and_reports_the_session_end(self) -> None:
        connection = UnixConnection(self.path)
        connection.request("GET", "/v1/snapshots?interval_ms=50", headers={"x-routertop-session": "s9"})
        answer = connection.getresponse()
        self.assertEqual(answer.getheader("content-type"), "application/x-ndjson")
        lines = [json.loads(answer.readline()) for _ in range(3)]
        self.assertEqual({line["router"]["kind"] for line in lines}, {"ray"})
        connection.close()
        deadline = time.monotonic() + 5
        while not self.sessions and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(self.sessions, ["s9"])


if __name__ == "__main__":
    unittest.main()
