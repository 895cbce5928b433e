"""Headless Chromium for the browser tests, and what they ask of a page: waiting, the cards, console errors and the
axe-core accessibility check.

The browser is offline the way a NAS or a private network is: YouTube's image host resolves to a closed local port,
so every thumbnail fails at once, on any machine.
"""
import importlib.util
import shutil
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

OFFLINE_IMAGES = "MAP i.ytimg.com 127.0.0.1:9"


def chromium():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
                     "--window-size=1280,900", f"--host-resolver-rules={OFFLINE_IMAGES}"]:
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def wait(driver, condition, timeout=10):
    try:
        return WebDriverWait(driver, timeout).until(lambda d: condition(d))
    except TimeoutException:
        # What the page showed, so a failure says more than "timed out".
        state = driver.execute_script(
            "const line = document.getElementById('summary-line');"
            "return {url: location.href, line: line ? line.textContent : null, title: document.title,"
            " requests: performance.getEntriesByType('resource').map(e => e.name + ' ' + Math.round(e.duration) + ' ms ' + e.responseStatus).slice(-8)}")
        raise TimeoutException(f"timed out after {timeout} s on {state}; console: {driver.get_log('browser')[-5:]}") from None


def cards(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#cards > li")


def card_ids(driver):
    return driver.execute_script("return [...document.querySelectorAll('#cards > li')].map(n => n.dataset.id)")


def errors(driver):
    """Severe console entries, except thumbnails from YouTube's image host (offline here, see above)."""
    return [entry for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "i.ytimg.com" not in entry["message"]]


def color_scheme(driver, scheme):
    """What `prefers-color-scheme` answers in the page: "light" or "dark"."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})


# axe-core 4.12, from the axe-playwright-python package (scripts/setup --test installs it without Playwright).
AXE = Path(importlib.util.find_spec("axe_playwright_python").submodule_search_locations[0]) / "axe.min.js"
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (result) => done(result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " → " + (n.failureSummary || "").replace(/\\s+/g, " ")),
  }))),
  (error) => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]));
"""


def axe_violations(driver):
    """The serious and critical axe-core violations of the page as it is now (WCAG 2.x A/AA rules and best practices)."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(AXE.read_text())
    return [v for v in driver.execute_async_script(AXE_RUN) if v["impact"] in ("serious", "critical")]
