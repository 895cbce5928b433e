"""What a person meets when something is off, in a real headless Chromium against a real `ytv2 serve`: a server with
deleting turned off, no internet for thumbnails, an unknown address, a reload or a shared link, Back and Forward, and
the axe-core accessibility check in the light and the dark theme.
"""
import json
import sys
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from browser import axe_violations, cards, color_scheme, errors, wait  # noqa: E402
from dashboard import Dashboard, request  # noqa: E402

ADMIN = "state-admin-token"
INGEST = "state-ingest-token"


@pytest.fixture(scope="module")
def server():
    dashboard = Dashboard("ytv2-ui-state-", ADMIN, INGEST)
    yield dashboard.base
    dashboard.stop()


@pytest.fixture(scope="module")
def readonly():
    """A server started without YTV2_ADMIN_TOKEN: deleting is turned off."""
    dashboard = Dashboard("ytv2-ui-readonly-", None, INGEST, reports=3)
    yield dashboard.base
    dashboard.stop()


def summary_line(driver):
    return driver.find_element(By.ID, "summary-line").text


def address(driver):
    """The path and query of the page's address."""
    return driver.execute_script("return location.pathname + location.search")


def open_readers(driver):
    return driver.execute_script(
        "return [...document.querySelectorAll('#cards > li')].filter(n => !n.querySelector('.reader').hidden).map(n => n.dataset.id)")


def test_delete_is_not_offered_when_the_server_turned_it_off(readonly, browser):
    status, body = request(readonly, "/api/capabilities")
    assert status == 200
    capabilities = json.loads(body)
    assert capabilities["delete"]["enabled"] is False and "YTV2_ADMIN_TOKEN" in capabilities["delete"]["reason"]
    assert capabilities["ingest"] == {"enabled": True}

    browser.get(readonly + "/")
    wait(browser, lambda d: len(cards(d)) == 3)
    assert browser.find_elements(By.CSS_SELECTOR, "#cards .delete") == []
    note = browser.find_element(By.ID, "capabilities-note")
    assert note.is_displayed() and "Deleting is turned off" in note.text and "YTV2_ADMIN_TOKEN" in note.text
    # Every other action is still there.
    for action in [".read", ".copy", ".watch"]:
        assert len(browser.find_elements(By.CSS_SELECTOR, f"#cards {action}")) == 3, action
    assert errors(browser) == []


def test_delete_is_offered_with_an_admin_token_and_a_refusal_shows_the_server_sentence(server, browser):
    assert json.loads(request(server, "/api/capabilities")[1])["delete"] == {"enabled": True}
    browser.get(server + "/")
    wait(browser, lambda d: len(cards(d)) == 12)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#cards .delete")) == 12
    assert not browser.find_element(By.ID, "capabilities-note").is_displayed()
    browser.execute_script("sessionStorage.removeItem('ytv2.adminToken')")
    victim = cards(browser)[0]
    victim.find_element(By.CSS_SELECTOR, ".delete").click()
    browser.switch_to.alert.accept()
    prompt = browser.switch_to.alert
    prompt.send_keys("not-the-token")
    prompt.accept()
    wait(browser, lambda d: "Not deleted: missing or invalid admin token" in summary_line(d))
    assert victim.get_attribute("data-id") in [c.get_attribute("data-id") for c in cards(browser)]
    # The refused token is forgotten, so the next try asks again.
    assert browser.execute_script("return sessionStorage.getItem('ytv2.adminToken')") is None
    # The only console error is the refused request itself.
    assert [e["message"] for e in errors(browser) if "/api/delete/" not in e["message"]] == []


def test_search_filters_sort_page_and_open_report_live_in_the_address(server, browser):
    browser.get(server + "/")
    wait(browser, lambda d: len(cards(d)) == 12)
    assert address(browser) == "/"

    browser.find_element(By.CSS_SELECTOR, "#sort option[value='title_az']").click()
    wait(browser, lambda d: address(d) == "/?sort=title_az")
    wait(browser, lambda d: cards(d)[0].find_element(By.CSS_SELECTOR, ".title").text == "Apple video 1")

    # Next: the new page starts at the list's top, not where the old one ended.
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    browser.find_element(By.ID, "next-page").click()
    wait(browser, lambda d: address(d) == "/?sort=title_az&page=2" and len(cards(d)) == 2)
    wait(browser, lambda d: 0 <= d.execute_script("return document.getElementById('summary-line').getBoundingClientRect().top") < 120)
    assert browser.execute_script("return window.scrollY") < 400

    # The open report is in the address too.
    second_page = [c.get_attribute("data-id") for c in cards(browser)]
    cards(browser)[1].find_element(By.CSS_SELECTOR, ".read").click()
    wait(browser, lambda d: address(d) == f"/?sort=title_az&page=2&report={second_page[1].replace(':', '%3A')}")
    wait(browser, lambda d: open_readers(d) == [second_page[1]])

    # A reload (or the same link elsewhere) shows the same view.
    browser.refresh()
    wait(browser, lambda d: [c.get_attribute("data-id") for c in cards(d)] == second_page)
    wait(browser, lambda d: open_readers(d) == [second_page[1]])
    assert browser.find_element(By.ID, "sort").get_attribute("value") == "title_az"
    assert "Page 2 of 2" in browser.find_element(By.ID, "page-info").text

    # Back steps through the views, in the app: the reader closes, then page 1, then the default order.
    browser.back()
    wait(browser, lambda d: address(d) == "/?sort=title_az&page=2" and open_readers(d) == [])
    browser.back()
    wait(browser, lambda d: address(d) == "/?sort=title_az" and len(cards(d)) == 12)
    assert "Page 1 of 2" in browser.find_element(By.ID, "page-info").text
    browser.back()
    wait(browser, lambda d: address(d) == "/" and browser.find_element(By.ID, "sort").get_attribute("value") == "added_desc")
    wait(browser, lambda d: cards(d)[0].find_element(By.CSS_SELECTOR, ".title").text == "Apple video 13")
    # And Forward comes back.
    browser.forward()
    browser.forward()
    wait(browser, lambda d: address(d) == "/?sort=title_az&page=2" and len(cards(d)) == 2)

    # Search and filters: typed and clicked, then shared as a link.
    browser.get(server + "/")
    wait(browser, lambda d: len(cards(d)) == 12)
    browser.find_element(By.ID, "search").send_keys("zebra")
    wait(browser, lambda d: address(d) == "/?q=zebra" and "5 summaries" in summary_line(d))
    next(c for c in browser.find_elements(By.CSS_SELECTOR, ".chip") if c.text == "History").click()
    wait(browser, lambda d: address(d) == "/?category=History&q=zebra")
    expected = json.loads(request(server, "/api/reports?category=History&q=zebra")[1])["pagination"]["total"]
    wait(browser, lambda d: f"{expected} summaries" in summary_line(d))
    shared = browser.current_url
    browser.get(server + "/")
    browser.get(shared)
    wait(browser, lambda d: f"{expected} summaries" in summary_line(d))
    assert browser.find_element(By.ID, "search").get_attribute("value") == "zebra"
    box = browser.find_element(By.XPATH, "//section[h2='Categories']//label[contains(., 'History')]/input")
    assert box.is_selected()
    browser.back()
    wait(browser, lambda d: address(d) == "/" and "14 summaries" in summary_line(d))
    assert errors(browser) == []


def test_a_link_from_an_earlier_version_opens_its_report(server, browser):
    browser.get(server + "/#report=yt:brw00000005")
    wait(browser, lambda d: open_readers(d) == ["yt:brw00000005"])
    assert address(browser) == "/?report=yt%3Abrw00000005"


def test_thumbnails_that_cannot_load_become_placeholders(server, browser):
    browser.get(server + "/")
    wait(browser, lambda d: len(cards(d)) == 12)
    first = cards(browser)[0]
    # i.ytimg.com is unreachable (see browser.py): the image goes, the title's initial on a colour stays.
    wait(browser, lambda d: first.find_elements(By.CSS_SELECTOR, ".thumb img") == [])
    thumb = first.find_element(By.CSS_SELECTOR, ".thumb")
    title = first.find_element(By.CSS_SELECTOR, ".title").text
    assert thumb.text == title[0].upper()
    colour = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", thumb)
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour
    assert thumb.size["height"] > 50
    # Two cards of one channel share the colour (Tom Scott has the even videos).
    colours = browser.execute_script("""
        return [...document.querySelectorAll('#cards > li')].map(n => [n.querySelector('.meta').textContent.split(' · ')[0],
            getComputedStyle(n.querySelector('.thumb')).backgroundColor]);""")
    by_channel = {}
    for channel, value in colours:
        by_channel.setdefault(channel, set()).add(value)
    assert all(len(values) == 1 for values in by_channel.values()), by_channel

    # The report page: a coloured band with the initial, neither a broken image nor a blank 16:9 box; the colour is the
    # one its card has (the server and the page compute it alike).
    card_hue = browser.execute_script(
        "return [...document.querySelector('#card-brw00000003 .thumb').classList].find(c => c.startsWith('hue-'))")
    assert card_hue
    browser.get(server + "/r/brw00000003")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".hero .thumb img") == [])
    hero = browser.find_element(By.CSS_SELECTOR, ".hero .thumb")
    assert hero.text == "Z"
    assert "failed" in hero.get_attribute("class") and card_hue in hero.get_attribute("class").split()
    assert hero.size["height"] < hero.size["width"] / 4
    assert errors(browser) == []


def test_unknown_addresses_answer_browsers_with_a_page_and_api_clients_with_json(server, browser):
    browser.get(server + "/no/such/page")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nothing here"
    assert "HTTP 404" in browser.find_element(By.CSS_SELECTOR, ".meta").text
    browser.find_element(By.LINK_TEXT, "Back to the dashboard").click()
    wait(browser, lambda d: len(cards(d)) > 0)
    browser.get(server + "/api/reports/yt:nosuchvideo")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nothing here"
    # API clients keep the JSON error: no Accept, */*, application/json, and fetch() in the page.
    for accept in [None, "*/*", "application/json", "application/json, text/html;q=0.9"]:
        status, body = request(server, "/no/such/page", headers={"Accept": accept} if accept else {})
        assert status == 404 and json.loads(body)["error"] == "not_found", accept
    fetched = browser.execute_async_script(
        "const done = arguments[0]; fetch('/api/reports/yt:nosuchvideo').then(r => r.json()).then(done, e => done(String(e)))")
    assert fetched["error"] == "not_found"
    status, body = request(server, "/api/reports?page=x", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert status == 400 and b"<h1>400 Bad Request</h1>" in body


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_in_light_and_dark(server, browser, scheme):
    color_scheme(browser, scheme)
    try:
        browser.get(server + "/")
        browser.execute_script("localStorage.setItem('ytv2.theme', 'system')")
        browser.get(server + "/?report=yt:brw00000013")
        wait(browser, lambda d: open_readers(d) == ["yt:brw00000013"])
        assert browser.execute_script("return document.documentElement.dataset.theme") == scheme
        assert browser.execute_script("return getComputedStyle(document.documentElement).colorScheme") == scheme
        # The selected variant tab, the player and the live banner are on screen when axe looks.
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".variants [aria-selected='true']"))
        browser.find_element(By.CSS_SELECTOR, "#card-brw00000013 .listen").click()
        wait(browser, lambda d: d.find_element(By.ID, "player").is_displayed())
        browser.execute_script("document.getElementById('live-banner').hidden = false")
        assert axe_violations(browser) == []
        for path in ["/r/brw00000013", "/no/such/page"]:
            browser.get(server + path)
            assert axe_violations(browser) == [], path
    finally:
        color_scheme(browser, "light")
