"""Time to first paint of the dashboard in headless Chromium: first contentful paint of the page, and the moment the
first page of cards is on screen (measured in the page with performance.now()). Usage: first_paint.py URL [RUNS]"""
import shutil
import statistics
import sys

from selenium import webdriver
from selenium.webdriver.support.ui import WebDriverWait

url = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
    options.add_argument(argument)
options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=shutil.which("chromedriver")))
paints, cards = [], []
try:
    for _ in range(runs):
        driver.get("about:blank")
        driver.get(url)
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.querySelectorAll('#cards > li').length > 0"))
        cards.append(driver.execute_script("return performance.now()"))
        paint = driver.execute_script(
            "const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : null")
        if paint is not None:
            paints.append(paint)
finally:
    driver.quit()
print(f"first contentful paint median={statistics.median(paints):.0f}ms  cards on screen median={statistics.median(cards):.0f}ms "
      f"max={max(cards):.0f}ms ({runs} loads)")
