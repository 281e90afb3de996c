"""capsim app in a real headless Chromium: the page loads, a change of one facility's beds
updates the verdict table, closing the township centres in 2027 moves women to the county
hospital with intervals, and the saved what-if is a scenario file that validates.

The browser is Debian's ``chromium`` with ``chromium-driver`` (``.ci/run`` installs both);
the test skips, saying so, only where they are not installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from capsim.app.edits import Edits
from capsim.cli.app import free_port
from capsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "nanjiang-15th-fyp.yaml"
REPLICATIONS = 4
#: Seconds a page may take to answer a change (the first answer compiles nothing: the
#: command readies the engine before it serves).
ANSWER_SECONDS = 60


def _browser_paths() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("headless Chromium is not installed here (apt-get install -y chromium "
                    "chromium-driver; .ci/run installs both)")
    return chromium, driver


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pytest.importorskip("shiny", reason="the app extra is not installed (pip install -e '.[test]')")
    saves = tmp_path_factory.mktemp("saved")
    scenarios = tmp_path_factory.mktemp("scenarios")
    for f in SCENARIO.parent.glob("nanjiang-*.yaml"):     # the base and the files it extends
        shutil.copy(f, scenarios / f.name)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "capsim", "app", str(scenarios / SCENARIO.name), "--port",
         str(port), "--no-browser", "--replications", str(REPLICATIONS), "--save-dir",
         str(saves)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                said = proc.stdout.read() if proc.stdout else ""
                pytest.fail(f"capsim app did not start: {said}")
            time.sleep(0.5)
    yield url, saves, scenarios / SCENARIO.name
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    chromium, driver = _browser_paths()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1600,1200"):
        options.add_argument(arg)
    try:
        drv = webdriver.Chrome(service=Service(driver), options=options)
    except Exception as exc:  # a browser that is installed but cannot start here
        pytest.skip(f"headless Chromium cannot start here: {str(exc).splitlines()[0]}")
    yield drv
    drv.quit()


def _wait(predicate, what: str, seconds: float = ANSWER_SECONDS, message=lambda: ""):
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception as exc:  # an element replaced while it was read: read it again
            value, last = None, str(exc).splitlines()[0]
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"waited {seconds} s for {what} {message()} {last}")


def _text(drv, ident: str) -> str:
    from selenium.webdriver.common.by import By

    found = drv.find_elements(By.ID, ident)
    return found[0].text if found else ""


def _idle(drv) -> bool:
    """The server is not computing (outputs of hidden tabs stay marked as recalculating until
    shown, so the page's busy mark is what tells)."""
    return drv.execute_script(
        "return !document.documentElement.classList.contains('shiny-busy')")


def _set_number(drv, ident: str, value: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    def typed() -> bool:
        box = drv.find_element(By.ID, ident)
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(str(value), Keys.TAB)
        return True

    _wait(lambda: _idle(drv) and drv.find_elements(By.ID, ident), f"the input {ident}")
    _wait(typed, f"typing into {ident}")


def test_page_loads_with_the_baseline_verdicts(server, browser):
    url, _, _ = server
    browser.get(url)
    table = _wait(lambda: _text(browser, "verdicts-table"), "the verdict table")
    assert "Nanjiang" in browser.page_source
    assert "pass" in table or "FAIL" in table
    assert "→" not in table                      # the what-if is the baseline: nothing moved
    keys = _wait(lambda: _text(browser, "key-table"), "the key table")  # may be re-rendered
    assert "Travel per woman moved" in keys


def test_changing_one_facilitys_beds_updates_the_verdict_table(server, browser):
    url, _, _ = server
    browser.get(url)
    before = _wait(lambda: _text(browser, "verdicts-table"), "the verdict table")
    _set_number(browser, "y2026_f0_beds", 12)     # the county hospital: 110 beds to 12
    after = _wait(lambda: (t := _text(browser, "verdicts-table")) != before and "→" in t and t,
                  "the verdict table to change")
    assert "→" in after
    changes = _wait(lambda: _text(browser, "changes-list"), "the list of changes")
    assert "110 → 12" in changes


def test_closing_the_townships_in_2027_is_answered_and_saved(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    url, saves, base_file = server
    browser.get(url)
    before = _wait(lambda: _text(browser, "key-table"), "the key readings")
    Select(browser.find_element(By.ID, "year")).select_by_value("2027")
    base = load_scenario(base_file)
    towns = [i for i, f in enumerate(base.facilities) if f.level == "township"]
    _wait(lambda: _idle(browser) and browser.find_elements(By.ID, f"y2027_f{towns[-1]}_delivers"),
          "the 2027 inputs")
    for i in towns:
        name = base.facilities[i].name_en or base.facilities[i].name
        _wait(lambda i=i: browser.find_element(By.ID, f"y2027_f{i}_delivers").click() is None,
              f"a click on the 2027 delivers box of {name}",
              message=lambda: browser.execute_script(
                  "return [document.getElementById('year').value, Array.from("
                  "document.querySelectorAll('[id^=y20]')).map(e => e.id).slice(0, 3)]"))
        _wait(lambda name=name: f"2027: {name}," in _text(browser, "changes-list"),
              f"the closing of {name} listed", message=lambda: _text(browser, "changes-list"))
    after = _wait(lambda: _idle(browser) and (t := _text(browser, "key-table")) != before and t,
                  "the key readings to change")
    moved = next(line for line in after.splitlines() if line.startswith("Region Women moved"))
    # One "value (difference [low, high])" a year: none in 2026, more from 2027 on, with
    # an interval above zero.
    cells = re.findall(r"\(([+-][\d.,]+) \[([-\d.,]+), ([-\d.,]+)\]\)", moved)
    assert len(cells) == 5, moved
    assert float(cells[0][0]) == 0
    assert all(float(d) > 0 and float(lo) > 0 for d, lo, _ in cells[1:]), moved

    browser.find_element(By.ID, "save").click()
    saved = _wait(lambda: "capsim run" in (t := _text(browser, "saved")) and t, "the save")
    path = Path(saved.split("capsim run ")[1].split(" ")[0])
    assert path.parent == saves and path.is_file()
    written = load_scenario(path)                 # validates
    closed = {e.facility for e in written.policy if e.delivers is False
              and e.date.isoformat() == "2027-01-01"}
    assert closed == {base.facilities[i].id for i in towns}
    edits = Edits()
    for i in towns:
        edits = edits.setting(2027, base.facilities[i].id, "delivers", False, base)
    assert written == edits.scenario(base)


def test_the_report_of_the_what_if_downloads(server, browser):
    from selenium.webdriver.common.by import By

    url, _, _ = server
    browser.get(url)
    _wait(lambda: _text(browser, "verdicts-table"), "the verdict table")
    link = _wait(lambda: browser.find_element(By.ID, "report").get_attribute("href"),
                 "the report's link")
    assert link.startswith(url)                   # served by the page itself
    with urllib.request.urlopen(link, timeout=ANSWER_SECONDS) as reply:
        page = reply.read().decode("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "Nanjiang" in page
