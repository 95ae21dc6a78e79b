"""The review page in a real browser: headless Chromium driven by selenium.

Set-up: ``bash tests/browser_setup.sh`` (Debian packages chromium, chromium-driver,
fonts-noto-cjk; selenium is in the test extra). Without them the test skips and says why.
The screenshot of the README, docs/review.png, is made here.
"""
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.review import format_number, write_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SEED = "004_0f4444790c5edb1c"  # the seed densest in figures
SCREENSHOT = ROOT / "docs" / "review.png"

if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} is absent: run `bash tests/browser_setup.sh` "
                "(Debian packages chromium and chromium-driver) to run the browser test",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed: pip install -e '.[test]'")
from selenium.webdriver.common.by import By  # noqa: E402

os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must never try the network


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                 f"--user-data-dir={profile}", "--window-size=1280,1400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report(seed_docs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-report")
    write_report([seed_docs[SEED]], folder)
    return folder


def _viewport(driver, width: int, height: int, mobile: bool = False) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def test_review_page_in_chromium(browser, report, seed_docs):
    doc = seed_docs[SEED]
    _viewport(browser, 1280, 1400)
    browser.get((report / f"{SEED}.html").as_uri())
    assert browser.title.startswith(SEED)

    SCREENSHOT.parent.mkdir(exist_ok=True)
    shot = report / "review.png"
    assert browser.save_screenshot(str(shot))
    shutil.copyfile(shot, SCREENSHOT)

    rows = browser.find_elements(By.CSS_SELECTOR, "#claims-table tbody tr")
    assert len(rows) == len(doc.claims)

    marks = browser.execute_script(
        "return Array.from(document.querySelectorAll('article mark.q'))"
        ".map(function (m) { return [m.dataset.qi, m.title, m.getBoundingClientRect().width > 0]; });")
    assert sorted(int(qi) for qi, _, _ in marks) == list(range(len(doc.quantities)))
    for qi, title, visible in marks:
        q = doc.quantities[int(qi)]
        numbers = [q.value] if q.value is not None else [q.low, q.high]
        assert visible and all(format_number(x) in title for x in numbers) and q.unit in title, (q, title)


def test_claims_table_sorts_and_marks_explain_themselves(browser, report, seed_docs):
    doc = seed_docs[SEED]
    if len(doc.claims) < 2:
        pytest.skip("this seed has fewer than two claims to sort")
    _viewport(browser, 1280, 1400)
    browser.get((report / f"{SEED}.html").as_uri())
    header = browser.find_element(By.XPATH, "//table[@id='claims-table']//th[4]/button")  # value
    header.click()
    keys = browser.execute_script(
        "return Array.from(document.querySelectorAll('#claims-table tbody tr'))"
        ".map(function (r) { return r.cells[3].dataset.sort; });")
    numbers = [float(k) if k else float("-inf") for k in keys]
    assert numbers == sorted(numbers)
    header.click()
    keys = browser.execute_script(
        "return Array.from(document.querySelectorAll('#claims-table tbody tr'))"
        ".map(function (r) { return r.cells[3].dataset.sort; });")
    assert [float(k) if k else float("-inf") for k in keys] == sorted(numbers, reverse=True)

    mark = browser.find_element(By.CSS_SELECTOR, "article mark.q")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)
    mark.click()
    inspect = browser.find_element(By.ID, "inspect")
    assert inspect.is_displayed() and inspect.text.splitlines()[0] == mark.get_attribute("title").splitlines()[0]


@pytest.mark.parametrize("page", [f"{SEED}.html", "index.html"])
def test_phone_width_has_no_horizontal_scroll(browser, report, page):
    _viewport(browser, 390, 844, mobile=True)
    try:
        browser.get((report / page).as_uri())
        width, inner = browser.execute_script(
            "return [document.scrollingElement.scrollWidth, window.innerWidth];")
        assert inner == 390
        assert width <= inner + 1, f"{page} is {width}px wide at a {inner}px viewport"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
