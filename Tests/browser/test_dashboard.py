"""The dashboard in a real headless Chromium, against a real `ytv2 serve` on a private PostgreSQL cluster.

Data goes in through the real ingest API (reports and an MP3 made with lame), as the processor would send it.
Screenshots (light and dark, desktop and phone width) are written to test-output/screenshots/.
"""
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from browser import card_ids, cards, errors, wait  # noqa: E402
from dashboard import ROOT, Dashboard, request  # noqa: E402

OUTPUT = ROOT / "test-output" / "screenshots"
ADMIN = "browser-admin-token"
INGEST = "browser-ingest-token"


@pytest.fixture(scope="module")
def server():
    dashboard = Dashboard("ytv2-browser-", ADMIN, INGEST)
    yield dashboard.base
    dashboard.stop()


def screenshot(driver, name):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(OUTPUT / f"{name}.png"))


def test_page_shows_cards_filters_searches_reads_plays_and_deletes(server, browser):
    browser.get(server + "/")
    wait(browser, lambda d: len(cards(d)) == 12)
    assert "14 summaries" in browser.find_element(By.ID, "summary-line").text
    assert "Page 1 of 2" in browser.find_element(By.ID, "page-info").text

    # Filter by a category chip.
    history_chip = next(c for c in browser.find_elements(By.CSS_SELECTOR, ".chip") if c.text == "History")
    history_chip.click()
    wait(browser, lambda d: len(cards(d)) == 5 and "5 summaries" in d.find_element(By.ID, "summary-line").text)
    browser.find_element(By.ID, "clear-all").click()
    wait(browser, lambda d: "14 summaries" in d.find_element(By.ID, "summary-line").text)

    # Search (debounced) combined with nothing else.
    search = browser.find_element(By.ID, "search")
    search.send_keys("zebra")
    wait(browser, lambda d: "5 summaries" in d.find_element(By.ID, "summary-line").text)
    assert all("Zebra" in c.find_element(By.CSS_SELECTOR, ".title").text for c in cards(browser))
    search.clear()
    search.send_keys(" ")
    wait(browser, lambda d: "14 summaries" in d.find_element(By.ID, "summary-line").text)

    # Open a report inline and switch variants.
    first = cards(browser)[0]
    first.find_element(By.CSS_SELECTOR, ".read").click()
    summary = first.find_element(By.CSS_SELECTOR, ".reader .summary")
    wait(browser, lambda d: "Point one" in summary.text)
    first.find_element(By.CSS_SELECTOR, ".variants button:nth-child(2)").click()
    wait(browser, lambda d: "Key point" in summary.text)

    # Play audio: the element reports progress.
    playable = next(c for c in cards(browser) if c.find_element(By.CSS_SELECTOR, ".listen").is_displayed())
    playable.find_element(By.CSS_SELECTOR, ".listen").click()
    wait(browser, lambda d: d.execute_script("return document.getElementById('audio').currentTime") > 0.2)
    assert playable.find_element(By.CSS_SELECTOR, ".progress").text.startswith("▶")

    # Delete a card with the token (confirm, then the token prompt once per session).
    victim = cards(browser)[1]
    victim_id = victim.get_attribute("data-id")
    victim.find_element(By.CSS_SELECTOR, ".delete").click()
    browser.switch_to.alert.accept()
    prompt = browser.switch_to.alert
    prompt.send_keys(ADMIN)
    prompt.accept()
    wait(browser, lambda d: victim_id not in card_ids(d))
    assert request(server, f"/api/reports/{victim_id}")[0] == 404

    assert errors(browser) == []


def test_two_word_search_is_sent_form_encoded_and_found(server, browser):
    """The UI builds its query with URLSearchParams, which encodes a space as '+': the server must read it as one."""
    browser.get(server + "/")
    wait(browser, lambda d: len(cards(d)) > 0)
    sent = browser.execute_script("return new URLSearchParams({q: 'Apple video'}).toString()")
    assert sent == "q=Apple+video"
    search = browser.find_element(By.ID, "search")
    search.send_keys("Apple video")
    wait(browser, lambda d: "5 summaries" in d.find_element(By.ID, "summary-line").text)
    assert all(c.find_element(By.CSS_SELECTOR, ".title").text.startswith("Apple video") for c in cards(browser))
    # List cards show a plain-text preview; Read fetches the full summaries (a skeleton shows meanwhile).
    first = cards(browser)[0]
    assert "Overview: Point one of video" in first.find_element(By.CSS_SELECTOR, ".preview").text
    first.find_element(By.CSS_SELECTOR, ".read").click()
    wait(browser, lambda d: "Point two" in first.find_element(By.CSS_SELECTOR, ".reader .summary").text)
    assert first.find_elements(By.CSS_SELECTOR, ".reader .summary li")
    assert errors(browser) == []


# What the SQLite-era frontend did on load and on Read: URLSearchParams queries, the singular facet keys, the list,
# and `summary.content` of the single report. Run in the page, against this server, exactly as that script would.
LEGACY_FRONTEND = """
const done = arguments[arguments.length - 1];
(async () => {
  const params = new URLSearchParams();
  params.append("q", "Apple video");
  params.append("channel", "Tom Scott");
  const filters = await (await fetch("/api/filters?" + params)).json();
  const list = await (await fetch("/api/reports?" + params)).json();
  const report = await (await fetch("/" + list.reports[0].video_id + ".json")).json();
  return {
    query: params.toString(),
    categories: filters.category.map((c) => c.value),
    channels: filters.channel.map((c) => c.value),
    languages: filters.language.map((c) => c.value),
    total: list.pagination.total,
    content: report.summary.content.summary,
    language: report.language,
  };
})().then(done, (e) => done({error: String(e)}));
"""


def test_the_sqlite_era_frontend_reads_what_it_expects(server, browser):
    browser.get(server + "/")
    wait(browser, lambda d: len(cards(d)) > 0)
    result = browser.execute_async_script(LEGACY_FRONTEND)
    assert "error" not in result, result
    assert result["query"] == "q=Apple+video&channel=Tom+Scott"
    assert result["categories"] and result["languages"] == ["en"]
    assert "Tom Scott" in result["channels"]
    # Apple videos are 1, 4, 7, 10, 13; Tom Scott has the even ones: 4 and 10.
    assert result["total"] == 2
    assert result["content"].startswith("**Overview:**")
    assert result["language"] == "en"


def test_deep_link_opens_the_report(server, browser):
    browser.get(server + "/#report=yt:brw00000002")
    node = wait(browser, lambda d: d.find_element(By.ID, "card-brw00000002"))
    wait(browser, lambda d: "Point one of video 2" in node.find_element(By.CSS_SELECTOR, ".reader .summary").text)


def test_report_page_renders(server, browser):
    browser.get(server + "/r/brw00000003")
    assert "Zebra video 3" in browser.find_element(By.TAG_NAME, "h1").text
    assert "Point one of video 3" in browser.page_source
    assert errors(browser) == []


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width,height,label", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_screenshots(server, browser, theme, width, height, label):
    browser.set_window_size(width, height)
    browser.get(server + "/")
    browser.execute_script(f"localStorage.setItem('ytv2.theme', '{theme}')")
    browser.get(server + "/")
    wait(browser, lambda d: len(cards(d)) > 0)
    assert browser.execute_script("return document.documentElement.dataset.theme") == theme
    screenshot(browser, f"dashboard-{theme}-{label}")
    assert errors(browser) == []
    browser.set_window_size(1280, 900)


XSS = {
    "title": "<img src=x onerror=\"window.__xss='title'\"> Title",
    "channel": "<script>window.__xss='channel'</script>Chan",
    "summary": ("**Head:** <script>window.__xss='summary'</script>\n• <img src=x onerror=\"window.__xss='img'\">\n"
                "• [click](javascript:window.__xss='link') <a href=\"javascript:window.__xss='a'\">a</a>\n"
                "• <iframe src=\"javascript:window.__xss='iframe'\"></iframe> <svg onload=\"window.__xss='svg'\">"),
    "category": "<svg onload=\"window.__xss='cat'\">",
    "subcategory": "\"><script>window.__xss='sub'</script>",
}


def xss_report():
    return {
        "id": "yt:xssAttack01", "title": XSS["title"],
        "source_metadata": {"youtube": {"video_id": "xssAttack01", "channel_name": XSS["channel"]}},
        "analysis": {"categories": [{"category": XSS["category"], "subcategories": [XSS["subcategory"]]}], "language": "en"},
        "summary": {"summary_type": "comprehensive", "variants": [{"variant": "comprehensive", "text": XSS["summary"]}]},
    }


def test_stored_xss_never_executes_in_the_page_or_the_report_view(server, browser):
    status, body = request(server, "/ingest/report", json.dumps(xss_report()).encode(),
                           {"X-INGEST-TOKEN": INGEST, "Content-Type": "application/json"}, "POST")
    assert status == 200, body
    for path in ["/", "/#report=yt:xssAttack01", "/r/xssAttack01", "/?q=%3Cscript%3E"]:
        browser.get(server + path)
        if path == "/":
            wait(browser, lambda d: len(cards(d)) > 0)
            card = wait(browser, lambda d: d.find_element(By.ID, "card-xssAttack01"))
            # The payload is shown as text, not turned into elements.
            assert "<img src=x" in card.text
            # Open the reader, which renders the summary HTML, and the category chips.
            card.find_element(By.CSS_SELECTOR, ".read").click()
            wait(browser, lambda d: "Head:" in card.text)
        time.sleep(0.5)
        assert browser.execute_script("return window.__xss === undefined"), f"payload ran on {path}"
        assert not browser.find_elements(By.CSS_SELECTOR, "#cards script, #cards iframe, #cards svg[onload], .reader script, article script, article iframe")
    browser.get(server + "/r/xssAttack01")
    assert "<img src=x" in browser.find_element(By.TAG_NAME, "h1").text
    assert not browser.find_elements(By.CSS_SELECTOR, "a[href^='javascript:'], [onerror], [onload]")


def test_security_headers_traversal_injection_and_tokens_not_logged(server):
    with urllib.request.urlopen(server + "/", timeout=10) as response:
        headers = {k.lower(): v for k, v in response.headers.items()}
    csp = headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0], csp
    assert "frame-ancestors" in csp
    assert headers.get("x-content-type-options") == "nosniff"
    assert "referrer-policy" in headers
    for path in ["/Package.swift", "/static/../Package.swift", "/static/%2e%2e/%2e%2e/Package.swift", "/../../etc/passwd",
                 "/static/..%2f..%2fPackage.swift", "/Sources/ytv2/YTV2Command.swift", "/.git/config"]:
        assert request(server, path)[0] == 404, path
    total = json.loads(request(server, "/api/reports?size=1")[1])["pagination"]["total"]
    for query in ["q=%27%20OR%201%3D1--", "category=x%27)%3B%20DROP%20TABLE%20videos%3B--", "channel=%22%3B%20DELETE%20FROM%20videos",
                  "q=%25", "q=_", "q=" + "a" * 10000]:
        status, _ = request(server, "/api/reports?" + query)
        assert status in (200, 400), query
    # An unknown sort is the default order, as the legacy answered; it is a value, never SQL.
    status, body = request(server, "/api/reports?sort=title%3B%20DROP%20TABLE%20videos")
    assert status == 200 and json.loads(body)["sort"] == "added_desc"
    assert json.loads(request(server, "/api/reports?size=1")[1])["pagination"]["total"] == total
    # Wrong and right tokens: answered, and never written to the log.
    assert request(server, "/api/delete/yt:brw00000001", b"", {"Authorization": "Bearer wrong-" + ADMIN}, "POST")[0] == 401
    logs = [p for p in Path(tempfile.gettempdir()).glob("ytv2-browser-*/serve.log")]
    assert logs
    for log in logs:
        text = log.read_text(errors="replace")
        assert ADMIN not in text and INGEST not in text
