"""What happens during make scale's surge, at set times, and what the nodes showed meanwhile.

The timeline kills a web node and a worker, has staff edit the case page while the node is
down, starts the two again, and edits the page once more with both nodes up. A watcher asks
each node directly for the case page all along, and notes when each
edit was first, and last not yet, shown by it.
"""

import http.client
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from bench import staff_edit
from bench.run import log


@dataclass
class Edit:
    title: str
    saved_at: float
    nodes_down: list[str]
    first_shown: dict[str, float] = field(default_factory=dict)
    last_not_shown: dict[str, float] = field(default_factory=dict)
    # The title a node showed instead, the last time it did not show this edit's.
    shown_instead: dict[str, str] = field(default_factory=dict)


@dataclass
class Timeline:
    scale: Any  # bench.scale.Scale: its processes, environment and arguments
    editor: dict
    events: dict = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def _at(self, seconds: float) -> None:
        time.sleep(max(0.0, self.started + seconds - time.time()))

    def _note(self, name: str) -> None:
        self.events[name] = time.time()
        log(f"timeline: {name} at {self.events[name] - self.started:.1f} s into the surge")

    def run(self) -> None:
        args = self.scale.args
        try:
            self._at(args.kill_at)
            self.scale.kill("web-1")
            self.scale.kill("worker-1")
            self._note("web-1 and worker-1 killed")
            browser = staff_edit.StaffBrowser(self.scale.base_url)
            staff_edit.staff_login(
                browser,
                username=self.editor["username"],
                password=args.editor_password,
                code=self.editor["code"],
            )
            self._edit(browser, nodes_down=["127.0.0.2"])
            self._at(args.kill_at + args.down_for)
            self.scale.web_start(1)
            self.scale.worker_start(1)
            self._note("web-1 and worker-1 started again")
            self._edit(browser, nodes_down=[], after_node_ready=True)
        except Exception as error:  # the surge goes on; the verdict says what is missing
            log(f"timeline stopped: {type(error).__name__}: {error}")
            self.events["failure"] = f"{type(error).__name__}: {error}"

    def _edit(self, browser: staff_edit.StaffBrowser, *, nodes_down, after_node_ready=False):
        if after_node_ready:
            node = f"http://127.0.0.2:{self.scale.node_port}/readyz"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and status_of(node) != 200:
                time.sleep(0.2)
            self._note("web-1 ready again")
            time.sleep(2)  # both nodes serving, their page caches warm
        title = f"Libérez Mamat ({secrets.token_hex(3)})"
        staff_edit.page_title_change(browser, page_id=self.editor["page_id"], title=title)
        self.edits.append(Edit(title=title, saved_at=time.time(), nodes_down=nodes_down))
        self._note(f"edit {len(self.edits)} saved")

    def shown_everywhere(self, *, seconds: float) -> None:
        """Wait until every edit was shown by every node, for `seconds` at most."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and any(len(edit.first_shown) < 2 for edit in self.edits):
            time.sleep(0.2)
        time.sleep(2)  # and a little longer, for a worker still showing the old page

    def propagation(self) -> list[dict]:
        """For each edit and node: seconds from the save until every answer showed it."""
        reported = []
        for edit in self.edits:
            by_node: dict[str, float | None] = {}
            for node in ("127.0.0.2", "127.0.0.3"):
                if node not in edit.first_shown:
                    by_node[node] = None
                    continue
                last_old = edit.last_not_shown.get(node, edit.saved_at)
                by_node[node] = round(max(last_old, edit.first_shown[node]) - edit.saved_at, 3)
            reported.append(
                {
                    "title": edit.title,
                    "nodes_down_when_saved": edit.nodes_down,
                    "seconds_to_show_by_node": by_node,
                    "first_shown_after_s": {
                        node: round(at - edit.saved_at, 3) for node, at in edit.first_shown.items()
                    },
                    "last_not_shown_after_s": {
                        node: round(at - edit.saved_at, 3)
                        for node, at in edit.last_not_shown.items()
                    },
                    "shown_instead": edit.shown_instead,
                }
            )
        return reported


def status_of(url: str, *, host: str = "127.0.0.1") -> int | None:
    """The status a node (or nginx) answers `url` with, naming the site; None if it does not."""
    try:
        request = urllib.request.Request(url, headers={"Host": host})  # noqa: S310
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@dataclass
class PagesWatch:
    stopped: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def stop(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=10)


def pages_watch(nodes: tuple[str, ...], port: int, timeline: Timeline) -> PagesWatch:
    """Ask each node for the case page every 0.1 s, noting what it shows of each edit."""
    watch = PagesWatch()

    def run(node: str) -> None:
        request = urllib.request.Request(f"http://{node}:{port}/", headers={"Host": "127.0.0.1"})
        while not watch.stopped.is_set():
            asked = time.time()
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    body = response.read().decode()
            except (OSError, http.client.HTTPException):
                # A node killed mid-answer cuts its body short (IncompleteRead): no answer,
                # and the watch goes on, or every later edit would seem never shown there.
                body = None
            answered = time.time()
            # An answer counts for the latest edit saved before it was asked: one on its way
            # during the save is not late, and a later edit replaces the title.
            saved = [edit for edit in timeline.edits if edit.saved_at <= asked]
            if body is not None and saved:
                edit = saved[-1]
                if edit.title in body:
                    edit.first_shown.setdefault(node, answered)
                else:
                    edit.last_not_shown[node] = answered
                    found = re.search(r'<h1 class="page__title">(.*?)</h1>', body)
                    edit.shown_instead[node] = found[1] if found else body[:200]
            watch.stopped.wait(0.1)

    for node in nodes:
        thread = threading.Thread(target=run, args=(node,), daemon=True)
        thread.start()
        watch.threads.append(thread)
    return watch
